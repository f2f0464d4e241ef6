// The serial console of one power-on: Serial1, the LoopbackA/LoopbackB pair and the REPL.
// As on the board, the REPL reads from whichever device is the console (Serial1 at power-on).
// When firmware moves the console away (`LoopbackA.setConsole()`, `E.setConsole(...)`), text
// typed on Serial1 goes to Serial1's 'data' listeners instead, until `Serial1.setConsole()`.
// print()/console.log() write to the console device: Serial1's output is what a person sees;
// with the console on LoopbackA it comes out of LoopbackB (its 'data' event) instead.
// Deliberate difference: lines end in "\n" (the board sends "\r\n"); nothing typed is echoed.
import vm from "node:vm";
import { Realm } from "./realm";
import { Runtime, Events, PowerCut } from "./runtime";
import { formatArgs, formatError, formatValue } from "./format";

type DeviceName = "Serial1" | "LoopbackA" | "LoopbackB";
const DEVICES: DeviceName[] = ["Serial1", "LoopbackA", "LoopbackB"];
// Each device's transmit lands on this device's receive side (null: the serial wire).
const PEER: { [k in DeviceName]: DeviceName | null } = { Serial1: null, LoopbackA: "LoopbackB", LoopbackB: "LoopbackA" };

export interface ConsoleSinks {
  // Serial1 transmit: the text a person on the serial line sees.
  serial(text: string): void;
  // Text sent over the loopback pair (console output when the console is on a loopback).
  hidden(text: string): void;
  // Uncaught errors, for tests (also printed to the console).
  uncaught(err: any): void;
}

export class SerialConsole {
  current: DeviceName | null = "Serial1";
  readonly devices: { [k in DeviceName]: any };
  private line = "";
  private pending = "";

  constructor(private readonly realm: Realm, private readonly runtime: Runtime, private readonly events: Events, private readonly sinks: ConsoleSinks) {
    const devices: any = {};
    for (const name of DEVICES) devices[name] = this.device(name);
    this.devices = devices;
  }

  // Characters arriving on Serial1's receive line (a person typing, or a test's sim.type()).
  receive(device: DeviceName, chars: string): void {
    if (!this.runtime.alive || !chars.length) return;
    if (this.current === device) this.repl(device, chars);
    else this.events.emit(this.devices[device], "data", chars);
  }

  // print()/console.log(): one line to the console device.
  print(text: string): void {
    this.transmit(this.current, text + "\n");
  }

  // Reports an error that escaped firmware code, as the board prints it.
  uncaught(err: any): void {
    this.sinks.uncaught(err);
    this.print("Uncaught " + formatError(err));
  }

  setConsole(device: any): void {
    if (device === null || device === undefined || device === "null") {
      this.current = null;
      return;
    }
    const name = typeof device === "string" ? device : DEVICES.find((d) => this.devices[d] === device);
    if (!name || DEVICES.indexOf(name as DeviceName) < 0) throw this.realm.error("Unknown console device " + String(device));
    this.current = name as DeviceName;
  }

  globals(): { [name: string]: any } {
    const log = (...args: any[]) => {
      this.runtime.check();
      this.print(formatArgs(args));
    };
    return {
      print: log,
      console: this.realm.obj({ log, info: log, warn: log, error: log, debug: log }),
      Serial1: this.devices.Serial1,
      LoopbackA: this.devices.LoopbackA,
      LoopbackB: this.devices.LoopbackB
    };
  }

  private transmit(device: DeviceName | null, text: string): void {
    if (device === null || !this.runtime.alive) return;
    const peer = PEER[device];
    if (peer === null) return this.sinks.serial(text);
    this.sinks.hidden(text);
    this.receive(peer, text);
  }

  private device(name: DeviceName): any {
    const c = this;
    const text = (data: any) => (typeof data === "number" ? String.fromCharCode(data) : Array.isArray(data) ? String.fromCharCode(...data) : String(data));
    return this.realm.obj({
      write(...data: any[]) {
        c.runtime.check();
        c.transmit(name, data.map(text).join(""));
      },
      print(data: any) {
        c.runtime.check();
        c.transmit(name, String(data));
      },
      println(data: any) {
        c.runtime.check();
        c.transmit(name, (data === undefined ? "" : String(data)) + "\n");
      },
      setConsole() {
        c.runtime.check();
        c.current = name;
      },
      setup() {},
      toString() {
        return name;
      }
    });
  }

  // Line editing as the board's REPL does it: Enter (\r or \n) runs the line, Ctrl-C drops it,
  // backspace deletes, \x10 (the CLI's "don't echo" prefix) is ignored. An incomplete statement
  // (an open bracket) waits for more lines.
  private repl(device: DeviceName, chars: string): void {
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (ch === "\r" || ch === "\n") {
        const line = this.line;
        this.line = "";
        if (line.length || this.pending.length) this.evaluate(line);
        // The line moved the console: the rest of the input goes where it now belongs.
        if (this.current !== device) return this.receive(device, chars.slice(i + 1));
      } else if (ch === "\x03") {
        this.line = "";
        this.pending = "";
      } else if (ch === "\x7f" || ch === "\b") {
        this.line = this.line.slice(0, -1);
      } else if (ch !== "\x10") {
        this.line += ch;
      }
    }
  }

  private evaluate(line: string): void {
    const code = this.pending + line;
    try {
      new vm.Script(code);
    } catch (err: any) {
      if (/Unexpected end of input|Unterminated template|missing \) after/.test(String(err && err.message))) {
        this.pending = code + "\n";
        return;
      }
    }
    this.pending = "";
    try {
      const value = this.realm.run(code, "REPL");
      if (this.runtime.alive) this.print("=" + formatValue(value));
    } catch (err) {
      if (err instanceof PowerCut || !this.runtime.alive) return;
      this.uncaught(err);
    }
  }
}
