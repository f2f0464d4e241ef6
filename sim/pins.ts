// The board's GPIO pins D0..D16 and what is wired to them. Survives power cycles (the external
// levels a test drives, and the history); each power-on resets modes, output latches and watches.
// Firmware side: digitalWrite/digitalRead/pinMode/setWatch/clearWatch, Pin() and D0..D16 (read,
// write, mode).
// Test side: level/mode/set/float/press/release/bounce/history/writes/watches/watchCount, and
// observe(fn) to hear every pin event as it is recorded (the web page's board panel).
// Debounce and the bounce helpers run on a host Clock (on the board, debounce is no JS timer).
import { Env } from "./realm";
import { Runtime } from "./runtime";
import { Clock, HOST_CLOCK } from "./clock";

export type PinEventKind = "write" | "mode" | "drive" | "boot";

export interface PinEvent {
  t: number; // Date.now() when it happened
  boot: number; // 1 for the first power-on, then +1 per restart
  kind: PinEventKind;
  level?: boolean; // write: the value written; drive: the external level (undefined = released)
  mode?: string;
}

export interface BounceOptions {
  // Pressed means low (a button to ground with a pull-up): true by default.
  low?: boolean;
  // How many extra contact bounces before the level settles, and the gap between them.
  bounces?: number;
  gapMs?: number;
}

interface Watch {
  id: number;
  pin: string;
  fn: any;
  repeat: boolean;
  edge: number; // 1 rising, -1 falling, 0 both
  debounce: number;
  state: boolean;
  lastTime: number;
  timer: any;
}

const PIN_COUNT = 17;
const PIN_NAME = /^D(\d|1[0-6])$/;

export class Pins {
  private readonly driven: { [pin: string]: boolean | undefined } = {};
  private readonly events: { [pin: string]: PinEvent[] } = {};
  private out: { [pin: string]: boolean } = {};
  private modes: { [pin: string]: string } = {};
  private forced: { [pin: string]: boolean } = {};
  private watches: Watch[] = [];
  private nextWatch = 1;
  private boot = 0;
  private realm: Env | null = null;
  private runtime: Runtime | null = null;
  private pinObjects: { [pin: string]: any } = {};
  private readonly pinNames = new WeakMap<object, string>();
  private observers: Array<(pin: string, e: PinEvent) => void> = [];

  constructor(
    initial: { [pin: string]: boolean } = {},
    private readonly clock: Clock = HOST_CLOCK
  ) {
    for (const pin of Object.keys(initial)) this.driven[this.name(pin)] = initial[pin];
  }

  // ---- test side ------------------------------------------------------------------------------

  // The level on the wire: the output latch when driven by the board, else the external drive,
  // else the pull resistor (input_pullup reads high), else low.
  level(pin: any): boolean {
    const p = this.name(pin);
    const mode = this.modes[p] || "input";
    if (mode === "output") return !!this.out[p];
    if (mode === "opendrain" && this.out[p] === false) return false;
    if (this.driven[p] !== undefined) return !!this.driven[p];
    return mode === "input_pullup" || mode === "opendrain_pullup";
  }

  mode(pin: any): string {
    return this.modes[this.name(pin)] || "input";
  }

  // Drives an input from outside (a button, a sensor). Watches see the edge.
  set(pin: any, level: boolean): void {
    const p = this.name(pin);
    this.change(p, () => {
      this.driven[p] = !!level;
    });
    this.record(p, { kind: "drive", level: !!level });
  }

  // Stops driving the pin from outside: it reads its pull resistor again.
  float(pin: any): void {
    const p = this.name(pin);
    this.change(p, () => {
      this.driven[p] = undefined;
    });
    this.record(p, { kind: "drive", level: undefined });
  }

  // Settles `pin` at `level` after contact bounce; resolves once it is stable (host timers).
  async bounce(pin: any, level: boolean, options: BounceOptions = {}): Promise<void> {
    const bounces = options.bounces === undefined ? 3 : options.bounces;
    const gap = options.gapMs === undefined ? 2 : options.gapMs;
    const sleep = (ms: number) => new Promise<void>((resolve) => this.clock.setTimeout(resolve, ms));
    for (let i = 0; i < bounces; i++) {
      this.set(pin, level);
      await sleep(gap);
      this.set(pin, !level);
      await sleep(gap);
    }
    this.set(pin, level);
  }

  press(pin: any, options: BounceOptions = {}): Promise<void> {
    return this.bounce(pin, options.low === false, options);
  }

  release(pin: any, options: BounceOptions = {}): Promise<void> {
    return this.bounce(pin, options.low !== false, options);
  }

  // Everything that happened on the pin, every boot (or only `boot`).
  history(pin: any, boot?: number): PinEvent[] {
    const list = this.events[this.name(pin)] || [];
    return boot === undefined ? list.slice() : list.filter((e) => e.boot === boot);
  }

  // The values the firmware wrote to the pin, in order.
  writes(pin: any, boot?: number): boolean[] {
    return this.history(pin, boot)
      .filter((e) => e.kind === "write")
      .map((e) => !!e.level);
  }

  // The watches set on `pin` (or on every pin), as setWatch was given them.
  watchesOn(pin?: any): Array<{ pin: string; repeat: boolean; edge: number; debounce: number }> {
    const p = pin === undefined ? undefined : this.name(pin);
    return this.watches
      .filter((w) => p === undefined || w.pin === p)
      .map((w) => ({ pin: w.pin, repeat: w.repeat, edge: w.edge, debounce: w.debounce }));
  }

  watchCount(pin?: any): number {
    return this.watchesOn(pin).length;
  }

  currentBoot(): number {
    return this.boot;
  }

  // Calls `fn` with each pin event as it is recorded (after the level changed); returns a function
  // that stops it. Observers only watch: they run inside the firmware's call.
  observe(fn: (pin: string, e: PinEvent) => void): () => void {
    this.observers.push(fn);
    return () => {
      this.observers = this.observers.filter((o) => o !== fn);
    };
  }

  // ---- power -------------------------------------------------------------------------------------

  // A new power-on: pins float as inputs, latches and watches are gone.
  powerOn(realm: Env, runtime: Runtime): void {
    this.powerOff();
    this.boot++;
    this.realm = realm;
    this.runtime = runtime;
    this.pinObjects = {};
    for (let i = 0; i < PIN_COUNT; i++) this.record("D" + i, { kind: "boot" });
  }

  powerOff(): void {
    for (const w of this.watches) if (w.timer) this.clock.clearTimeout(w.timer);
    this.watches = [];
    this.out = {};
    this.modes = {};
    this.forced = {};
  }

  // ---- firmware side -------------------------------------------------------------------------

  globals(): { [name: string]: any } {
    const realm = this.realm!;
    const pins = this;
    const proto = realm.obj({
      read(this: any) {
        return pins.read(this);
      },
      write(this: any, v: any) {
        pins.write(this, v);
      },
      mode(this: any, m: string) {
        pins.pinMode(this, m);
      },
      toString(this: any) {
        return pins.name(this);
      }
    });
    const Pin: any = function (name: any) {
      return pins.pinObject(pins.name(name), proto);
    };
    Pin.prototype = proto;
    const g: { [name: string]: any } = {
      Pin,
      digitalWrite: (pin: any, v: any) => this.write(pin, v),
      digitalRead: (pin: any) => (this.read(pin) ? 1 : 0),
      pinMode: (pin: any, mode?: string, automatic?: boolean) => this.pinMode(pin, mode, automatic),
      setWatch: (fn: any, pin: any, options?: any) => this.setWatch(fn, pin, options),
      clearWatch: (...a: any[]) => this.clearWatch(a)
    };
    for (let i = 0; i < PIN_COUNT; i++) g["D" + i] = this.pinObject("D" + i, proto);
    return g;
  }

  private pinObject(name: string, proto: any): any {
    if (!this.pinObjects[name]) {
      const o = this.realm!.global.Object.create(proto);
      this.pinNames.set(o, name);
      this.pinObjects[name] = o;
    }
    return this.pinObjects[name];
  }

  // Accepts a Pin object, "D12" or 12, as Espruino does; anything else is a firmware bug.
  name(pin: any): string {
    if (pin !== null && typeof pin === "object" && this.pinNames.has(pin)) return this.pinNames.get(pin)!;
    if (typeof pin === "string" && PIN_NAME.test(pin)) return pin;
    if (typeof pin === "number" && pin >= 0 && pin < PIN_COUNT && pin === Math.floor(pin)) return "D" + pin;
    const msg = "Invalid pin: " + String(pin);
    throw this.realm ? this.realm.error(msg) : new Error(msg);
  }

  private write(pin: any, value: any): void {
    this.runtime!.check();
    const p = this.name(pin);
    const level = !!value;
    this.change(p, () => {
      if (!this.forced[p] && this.modes[p] !== "opendrain") this.modes[p] = "output";
      this.out[p] = level;
    });
    this.record(p, { kind: "write", level });
  }

  private read(pin: any): boolean {
    this.runtime!.check();
    const p = this.name(pin);
    if (!this.forced[p] && this.modes[p] === undefined) this.modes[p] = "input";
    return this.level(p);
  }

  private pinMode(pin: any, mode?: string, automatic?: boolean): void {
    this.runtime!.check();
    const p = this.name(pin);
    const m = mode === undefined || mode === "auto" ? "input" : String(mode);
    this.change(p, () => {
      this.modes[p] = m;
      this.forced[p] = !(mode === undefined || mode === "auto" || automatic);
    });
    this.record(p, { kind: "mode", mode: m });
  }

  private record(pin: string, e: { kind: PinEventKind; level?: boolean; mode?: string }): void {
    const event: PinEvent = { t: Date.now(), boot: this.boot, ...e };
    (this.events[pin] || (this.events[pin] = [])).push(event);
    for (const o of this.observers.slice()) o(pin, event);
  }

  // Applies a change and tells the pin's watches if the level on the wire moved.
  private change(pin: string, apply: () => void): void {
    const before = this.level(pin);
    apply();
    const after = this.level(pin);
    if (before !== after) for (const w of this.watches.slice()) if (w.pin === pin) this.edge(w, after);
  }

  // Debounce as on the board: the watch fires once the level has been stable for `debounce` ms.
  private edge(w: Watch, level: boolean): void {
    if (!w.debounce) return this.fire(w, level);
    if (w.timer) this.clock.clearTimeout(w.timer);
    w.timer = this.clock.setTimeout(() => {
      w.timer = null;
      const now = this.level(w.pin);
      if (now !== w.state) this.fire(w, now);
    }, w.debounce);
  }

  private fire(w: Watch, level: boolean): void {
    w.state = level;
    if (w.edge === 1 && !level) return;
    if (w.edge === -1 && level) return;
    const time = Date.now() / 1000;
    const event = this.realm!.copy({ state: level, time, lastTime: w.lastTime });
    w.lastTime = time;
    if (!w.repeat) this.removeWatch(w);
    const runtime = this.runtime!;
    runtime.defer(() => runtime.call(w.fn, this.realm!.global, [event]));
  }

  private setWatch(fn: any, pin: any, options?: any): number {
    this.runtime!.check();
    if (typeof fn !== "function") throw this.realm!.error("Function or String not supplied!");
    const p = this.name(pin);
    const o = typeof options === "object" && options !== null ? options : { repeat: !!options };
    const edges: { [k: string]: number } = { rising: 1, falling: -1, both: 0, "1": 1, "-1": -1, "0": 0 };
    const edge = o.edge === undefined ? 0 : edges[String(o.edge)];
    if (edge === undefined)
      throw this.realm!.error("'edge' in setWatch should be 1, -1, 0, 'rising', 'falling' or 'both'");
    const w: Watch = {
      id: this.nextWatch++,
      pin: p,
      fn,
      repeat: !!o.repeat,
      edge,
      debounce: Math.max(0, Number(o.debounce) || 0),
      state: this.level(p),
      lastTime: Date.now() / 1000,
      timer: null
    };
    this.watches.push(w);
    return w.id;
  }

  private removeWatch(w: Watch): void {
    if (w.timer) this.clock.clearTimeout(w.timer);
    this.watches = this.watches.filter((x) => x !== w);
  }

  // clearWatch() removes every watch, clearWatch(undefined) and an unknown id throw, as on the
  // board (jswrap_io.c).
  private clearWatch(args: any[]): void {
    const id = args[0];
    if (!args.length) {
      for (const w of this.watches.slice()) this.removeWatch(w);
      return;
    }
    if (id === undefined) throw this.realm!.error("clearWatch(undefined) not allowed. Use clearWatch() instead");
    const w = this.watches.find((x) => x.id === id);
    if (!w) throw this.realm!.error("Unknown Watch");
    this.removeWatch(w);
  }
}
