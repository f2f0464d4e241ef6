// One power-on of the simulated board: its event loop guard and Espruino's object events.
// Every callback into firmware goes through Runtime.call, so an exception is printed as
// `Uncaught ...` (as the board does) instead of escaping into the host, and nothing runs after
// the board was powered off or died.
import { Realm } from "./realm";

// Thrown through firmware code when the board loses power mid-call; never printed.
export class PowerCut {
  readonly powerCut = true;
}

export class Runtime {
  alive = true;

  constructor(private readonly report: (err: any) => void) {}

  // Calls firmware code from the event loop. Returns undefined when it threw (after reporting).
  call(fn: any, self: any, args: any[]): any {
    if (!this.alive) return undefined;
    try {
      return fn.apply(self, args);
    } catch (err) {
      if (err instanceof PowerCut || !this.alive) return undefined;
      this.report(err);
      return undefined;
    }
  }

  // Runs `task` after the current firmware code returns, unless the board is gone by then.
  defer(task: () => void): void {
    queueMicrotask(() => {
      if (this.alive) task();
    });
  }

  // Host-side guard for module functions: throws PowerCut into firmware once the board is dead.
  check(): void {
    if (!this.alive) throw new PowerCut();
  }
}

// Espruino gives every object on/emit/removeListener; listeners run after the emitting code returns.
export class Events {
  private readonly table = new WeakMap<object, { [event: string]: any[] }>();

  constructor(private readonly runtime: Runtime) {}

  // Puts the event methods on the realm's Object.prototype, as every Espruino object has them.
  install(realm: Realm): void {
    const methods = this.methods();
    const proto = realm.global.Object.prototype;
    for (const name of Object.keys(methods)) {
      Object.defineProperty(proto, name, {
        value: methods[name],
        writable: true,
        configurable: true,
        enumerable: false
      });
    }
  }

  // on/addListener/prependListener/emit/removeListener/removeAllListeners, for any `this`.
  methods(): { [name: string]: (this: any, ...a: any[]) => any } {
    const events = this;
    const methods: { [name: string]: (this: any, ...a: any[]) => any } = {
      on(event: string, fn: any) {
        events.add(this, event, fn, false);
      },
      addListener(event: string, fn: any) {
        events.add(this, event, fn, false);
      },
      prependListener(event: string, fn: any) {
        events.add(this, event, fn, true);
      },
      emit(event: string, ...args: any[]) {
        events.emit(this, event, ...args);
      },
      removeListener(event: string, fn: any) {
        const list = events.list(this, event);
        const i = list.indexOf(fn);
        if (i >= 0) list.splice(i, 1);
      },
      removeAllListeners(event?: string) {
        const all = events.table.get(this);
        if (!all) return;
        if (event === undefined) events.table.delete(this);
        else delete all[event];
      }
    };
    return methods;
  }

  list(target: object, event: string): any[] {
    let all = this.table.get(target);
    if (!all) this.table.set(target, (all = {}));
    return all[event] || (all[event] = []);
  }

  count(target: object, event: string): number {
    const all = this.table.get(target);
    return all && all[event] ? all[event].length : 0;
  }

  private add(target: object, event: string, fn: any, first: boolean): void {
    if (typeof fn !== "function") throw new TypeError("listener must be a function");
    const list = this.list(target, event);
    if (first) list.unshift(fn);
    else list.push(fn);
  }

  // Queues `event` for target's listeners, as the board's idle loop would run them.
  emit(target: object, event: string, ...args: any[]): void {
    this.runtime.defer(() => {
      for (const fn of this.list(target, event).slice()) this.runtime.call(fn, target, args);
    });
  }

  // Runs the listeners now (boot sequence: E.on('init') handlers run right after the code).
  emitNow(target: object, event: string, ...args: any[]): void {
    for (const fn of this.list(target, event).slice()) this.runtime.call(fn, target, args);
  }
}
