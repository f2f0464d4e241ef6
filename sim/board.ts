// One power-on of the simulated ESP8266: a fresh Espruino-shaped context wired to the persistent
// hardware (flash, pins, access point, network), the boot sequence, and the teardown. The
// Simulator (simulator.ts) creates a new Board for every boot and keeps the hardware.
import { Realm, createRealm } from "./realm";
import { Runtime, Events } from "./runtime";
import { Timers } from "./timers";
import { SerialConsole } from "./console";
import { FlashStorage } from "./storage";
import { Pins } from "./pins";
import { AccessPoint } from "./wifi";
import { Network } from "./net";
import { Telnet } from "./telnet";
import { esp8266Module, ResetReason } from "./esp8266";
import { crc32 } from "./crc32";
import { estimateVariables } from "./memory";
import { createHash } from "node:crypto";

// Espruino's pretokeniser, undone: `npm run flash` and updates store code pretokenised (bytes
// 0x80-0xff for reserved words and operators), which the interpreter reads as it is and V8 cannot.
const { untokenise } = require("../scripts/pretokenise.mjs") as { untokenise(code: string): string };
export function readableCode(code: string): string {
  return /[\x80-\xff]/.test(code) ? untokenise(code) : code;
}

// The bytes of Espruino data arguments (strings' low bytes, numbers, arrays, ArrayBuffers and
// {data, count} objects), as E.toString and crypto read them.
function bytes(realm: Realm, args: any): number[] {
  const out: number[] = [];
  const add = (v: any): void => {
    if (typeof v === "string") for (let i = 0; i < v.length; i++) out.push(v.charCodeAt(i) & 0xff);
    else if (typeof v === "number") out.push(v & 0xff);
    else if (v instanceof realm.global.ArrayBuffer) new Uint8Array(v).forEach((b) => out.push(b));
    else if (v && typeof v === "object" && typeof v.length === "number") for (let i = 0; i < v.length; i++) add(v[i]);
    else if (v && typeof v === "object" && v.data !== undefined) for (let i = 0; i < (v.count || 1); i++) add(v.data);
  };
  add(args);
  return out;
}

export type BoardId = "ESP8266_4MB" | "ESP8266_BOARD";

export interface Hardware {
  storage: FlashStorage;
  pins: Pins;
  ap: AccessPoint;
  net: Network;
  telnet: Telnet;
  serial: string; // getSerial(), "aabbccdd-eeff"
  board: BoardId;
  variables: number; // JS variables of RAM (1,600 on 4 MB boards, 1,700 on 512 KB ones)
}

// What the board asks of the simulator: output, and power events it cannot perform itself.
export interface BoardHooks {
  serial(text: string, echo?: boolean): void;
  // A line the REPL took from the typist (terminal mode; see console.ts).
  typed?(line: string): void;
  // Console output that went over the loopback instead of Serial1.
  hidden(text: string): void;
  uncaught(err: any): void;
  // reset(): wipe RAM, no boot code. load(): boot again with the boot code.
  reboot(how: "reset" | "load"): void;
  // Serial1 is a person's terminal: the REPL echoes and prompts (see console.ts).
  terminal?: boolean;
}

export class Board {
  readonly realm: Realm;
  readonly runtime: Runtime;
  readonly events: Events;
  readonly timers: Timers;
  readonly console: SerialConsole;
  readonly E: any;
  saveCalls = 0;
  private readonly cache: { [name: string]: any } = {};
  private readonly builtins: Set<string>;

  constructor(
    private readonly hw: Hardware,
    private readonly hooks: BoardHooks,
    private readonly reset: ResetReason
  ) {
    this.realm = createRealm();
    this.runtime = new Runtime((err) => this.console.uncaught(err));
    this.events = new Events(this.runtime);
    this.events.install(this.realm);
    this.timers = new Timers(this.realm, this.runtime);
    this.console = new SerialConsole(this.realm, this.runtime, this.events, {
      serial: hooks.serial,
      typed: hooks.typed,
      hidden: hooks.hidden,
      uncaught: hooks.uncaught,
      terminal: hooks.terminal
    });
    const mac = hw.serial.replace("-", "").match(/../g)!.join(":");
    hw.pins.powerOn(this.realm, this.runtime);
    hw.ap.powerOn(this.realm, this.runtime, this.events, mac);
    hw.net.powerOn(this.realm, this.runtime, this.events);
    hw.telnet.powerOn();
    this.E = this.makeE();
    Object.assign(this.realm.global, this.timers.globals(), hw.pins.globals(), this.console.globals(), this.globals());
    // eval() reads pretokenised code from Storage, as Espruino's does (a direct call becomes an
    // indirect one: the firmware evaluates Storage files only at the top level or indirectly).
    const nativeEval = this.realm.global.eval;
    this.realm.global.eval = (code: any) => nativeEval(typeof code === "string" ? readableCode(code) : code);
    // Function(body) too (the console's file is a function's body: src/main.ts), called with or
    // without `new`, as Espruino's; its prototype stays the realm's.
    const NativeFunction = this.realm.global.Function;
    const readable = function (...args: any[]) {
      if (typeof args[args.length - 1] === "string") args[args.length - 1] = readableCode(args[args.length - 1]);
      return NativeFunction(...args);
    };
    readable.prototype = NativeFunction.prototype;
    this.realm.global.Function = readable;
    this.builtins = new Set(Object.keys(this.realm.global));
  }

  // Espruino's boot: run the boot code, then E.on('init') handlers, then onInit().
  boot(code: string | null, filename: string): void {
    if (code === null) return;
    try {
      this.realm.run(readableCode(code), filename);
    } catch (err) {
      if (!this.runtime.alive) return;
      this.console.uncaught(err);
    }
    this.init();
  }

  // Power is gone: no callback runs again; sockets close (or stay half-open, mute).
  shutdown(halfOpen = false): void {
    this.runtime.alive = false;
    this.timers.clearAll();
    this.hw.pins.powerOff();
    this.hw.ap.powerOff();
    this.hw.net.powerOff(halfOpen);
  }

  private init(): void {
    this.events.emitNow(this.E, "init");
    const onInit = this.realm.global.onInit;
    if (typeof onInit === "function") this.runtime.call(onInit, this.realm.global, []);
  }

  private makeE(): any {
    const { realm, console } = this;
    return realm.obj({
      CRC32: (data: any) => crc32(data),
      toString: (...args: any[]) => String.fromCharCode(...bytes(realm, args)),
      setConsole: (device: any) => console.setConsole(device)
    });
  }

  private memory(): { free: number; usage: number; total: number } {
    const usage = Math.min(
      this.hw.variables,
      estimateVariables(this.realm.global, {
        functionProto: this.realm.global.Function.prototype,
        skip: this.builtins,
        timers: this.timers.count()
      })
    );
    return { free: this.hw.variables - usage, usage, total: this.hw.variables };
  }

  private globals(): { [name: string]: any } {
    const { realm, runtime, hw } = this;
    const modules: { [name: string]: () => any } = {
      Storage: () => hw.storage.module(realm, runtime),
      Wifi: () => hw.ap.moduleObject,
      net: () => hw.net.module(),
      ESP8266: () =>
        esp8266Module(realm, runtime, {
          reset: this.reset,
          flashKB: hw.board === "ESP8266_4MB" ? 4096 : 512,
          freeHeap: () => 8000 + this.memory().free * 12
        })
    };
    if (hw.board === "ESP8266_4MB") {
      modules.TelnetServer = () => hw.telnet.module(realm, runtime);
      // Only the 4 MB build has crypto (the update receiver's HMAC-SHA1 and digests).
      modules.crypto = () =>
        realm.obj({
          SHA1: (data: any) => {
            runtime.check();
            const digest = createHash("sha1")
              .update(Buffer.from(bytes(realm, data)))
              .digest();
            return new realm.global.Uint8Array(digest).buffer;
          }
        });
    }
    const require = (name: any) => {
      runtime.check();
      const n = String(name);
      if (this.cache[n] === undefined && modules[n]) this.cache[n] = modules[n]();
      if (this.cache[n] === undefined) throw realm.error("Module " + n + " not found");
      return this.cache[n];
    };
    const later = (fn: () => void) => runtime.defer(fn);
    realm.global.Date.now = () => Date.now();
    const latin1 = (s: any) => Buffer.from(String(s), "latin1");
    return {
      E: this.E,
      require,
      btoa: (s: any) => latin1(s).toString("base64"),
      atob: (s: any) => Buffer.from(String(s), "base64").toString("latin1"),
      getSerial: () => hw.serial,
      process: realm.obj({
        memory: () => realm.copy({ ...this.memory(), history: 0, gc: 0, gctime: 1, blocksize: 12 })
      }),
      // save() as on the board (jsinteractive.c): a soft kill (E's 'kill' handlers), the RAM
      // image stored with its timers and watches, then a soft init (the 'init' handlers).
      save: () => {
        runtime.check();
        // 2v29 (jswrap_interface_save): never over code flashed as .bootcde, as `npm run flash` writes.
        if (hw.storage.get(".bootcde") !== undefined)
          throw realm.error("Cannot save: .bootcde file already exists. Please remove it first.");
        this.saveCalls++;
        later(() => {
          this.events.emitNow(this.E, "kill");
          this.console.print("Running onInit()...");
          this.init();
        });
      },
      reset: () => {
        runtime.check();
        this.events.emitNow(this.E, "kill");
        later(() => this.hooks.reboot("reset"));
      },
      load: () => {
        runtime.check();
        this.events.emitNow(this.E, "kill");
        later(() => this.hooks.reboot("load"));
      }
    };
  }
}
