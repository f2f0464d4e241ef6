// Espruino's timers for one power-on: numeric ids, and the board's quirks kept on purpose:
// clearTimeout()/clearTimeout(undefined) clears EVERY timer and interval, and clearing an unknown
// id throws "Unknown Timeout" / "Unknown Interval" (jswrap_interactive.c).
// Host timers are looked up at call time, so sinon fake timers installed by a test drive them.
import { Realm } from "./realm";
import { Runtime } from "./runtime";

interface Entry {
  handle: any;
  interval: boolean;
  fn: any;
  args: any[];
  ms: number;
}

export class Timers {
  private readonly entries: { [id: number]: Entry } = {};
  private nextId = 1;

  constructor(private readonly realm: Realm, private readonly runtime: Runtime) {}

  // The globals handed to the firmware.
  globals(): { [name: string]: any } {
    return {
      setTimeout: (fn: any, ms?: number, ...args: any[]) => this.add(fn, ms, args, false),
      setInterval: (fn: any, ms?: number, ...args: any[]) => this.add(fn, ms, args, true),
      clearTimeout: (...a: any[]) => this.clear(a[0], "Unknown Timeout"),
      clearInterval: (...a: any[]) => this.clear(a[0], "Unknown Interval"),
      changeInterval: (id: any, ms: number) => this.change(id, ms)
    };
  }

  count(): number {
    return Object.keys(this.entries).length;
  }

  // Power off: every pending timer disappears.
  clearAll(): void {
    for (const id of Object.keys(this.entries)) {
      const e = this.entries[+id];
      if (e.interval) globalThis.clearInterval(e.handle);
      else globalThis.clearTimeout(e.handle);
      delete this.entries[+id];
    }
  }

  private add(fn: any, ms: number | undefined, args: any[], interval: boolean): number {
    this.runtime.check();
    if (typeof fn === "string") {
      const code = fn;
      fn = () => this.realm.run(code, "timer");
    }
    if (typeof fn !== "function") throw this.realm.error("Function or String not supplied!");
    const id = this.nextId++;
    const delay = Math.max(0, Number(ms) || 0);
    const entry: Entry = { handle: null, interval, fn, args, ms: delay };
    this.entries[id] = entry;
    this.arm(id, entry);
    return id;
  }

  private arm(id: number, entry: Entry): void {
    const fire = () => {
      if (!entry.interval) delete this.entries[id];
      this.runtime.call(entry.fn, this.realm.global, entry.args);
    };
    entry.handle = entry.interval ? globalThis.setInterval(fire, entry.ms) : globalThis.setTimeout(fire, entry.ms);
  }

  private clear(id: any, unknown: string): void {
    if (id === undefined) return this.clearAll();
    const entry = this.entries[id];
    if (!entry) throw this.realm.error(unknown);
    if (entry.interval) globalThis.clearInterval(entry.handle);
    else globalThis.clearTimeout(entry.handle);
    delete this.entries[id];
  }

  private change(id: any, ms: number): void {
    const entry = this.entries[id];
    if (!entry) throw this.realm.error("Unknown Interval");
    if (entry.interval) globalThis.clearInterval(entry.handle);
    else globalThis.clearTimeout(entry.handle);
    entry.ms = Math.max(0, Number(ms) || 0);
    this.arm(id, entry);
  }
}
