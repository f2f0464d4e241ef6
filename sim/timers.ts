// Espruino's timers for one power-on, on a host Clock: numeric ids; clearTimeout() clears EVERY
// timer and interval, clearTimeout(undefined) throws, and clearing an id that is not pending does
// nothing, as on the board (jswrap_interactive.c).
import { Env } from "./realm";
import { Runtime } from "./runtime";
import { Clock, HOST_CLOCK } from "./clock";

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

  constructor(
    private readonly realm: Env,
    private readonly runtime: Runtime,
    private readonly clock: Clock = HOST_CLOCK
  ) {}

  // The globals handed to the firmware.
  globals(): { [name: string]: any } {
    return {
      setTimeout: (fn: any, ms?: number, ...args: any[]) => this.add(fn, ms, args, false),
      setInterval: (fn: any, ms?: number, ...args: any[]) => this.add(fn, ms, args, true),
      clearTimeout: (...a: any[]) => this.clear(a, "clearTimeout"),
      clearInterval: (...a: any[]) => this.clear(a, "clearInterval")
    };
  }

  count(): number {
    return Object.keys(this.entries).length;
  }

  // Power off: every pending timer disappears.
  clearAll(): void {
    for (const id of Object.keys(this.entries)) {
      const e = this.entries[+id];
      this.cancel(e);
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
    entry.handle = entry.interval ? this.clock.setInterval(fire, entry.ms) : this.clock.setTimeout(fire, entry.ms);
  }

  private cancel(entry: Entry): void {
    if (entry.interval) this.clock.clearInterval(entry.handle);
    else this.clock.clearTimeout(entry.handle);
  }

  private clear(args: any[], name: string): void {
    const id = args[0];
    if (!args.length) return this.clearAll();
    if (id === undefined) throw this.realm.error(`${name}(undefined) not allowed. Use ${name}() instead`);
    const entry = this.entries[id];
    if (!entry) return;
    this.cancel(entry);
    delete this.entries[id];
  }
}
