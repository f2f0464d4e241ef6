// The serial console of one power-on: Serial1, the LoopbackA/LoopbackB pair and the REPL.
// As on the board, the REPL reads from whichever device is the console (Serial1 at power-on).
// When firmware moves the console away (`LoopbackA.setConsole()`, `E.setConsole(...)`), text
// typed on Serial1 goes to Serial1's 'data' listeners instead, until `Serial1.setConsole()`.
// print()/console.log() write to the console device: Serial1's output is what a person sees;
// with the console on LoopbackA it comes out of LoopbackB (its 'data' event) instead.
// Deliberate difference: lines end in "\n" (the board sends "\r\n"). Nothing typed is echoed
// unless the sinks ask for a terminal (`terminal: true`, as `npm start` does): then the REPL echoes
// what is typed, prints the `>` prompt (`:` on a continued line), takes the prompt and the line being
// typed away before other output and puts them back after it, and a line behind \x10 is neither
// echoed nor answered, as on the board. Tests leave it off so that sim.output is the firmware's own.
import vm from "node:vm";
import { Realm } from "./realm";
import { Runtime, Events, PowerCut } from "./runtime";
import { formatArgs, formatError, formatValue } from "./format";

type DeviceName = "Serial1" | "LoopbackA" | "LoopbackB";
const DEVICES: DeviceName[] = ["Serial1", "LoopbackA", "LoopbackB"];
// Each device's transmit lands on this device's receive side (null: the serial wire).
const PEER: { [k in DeviceName]: DeviceName | null } = {
  Serial1: null,
  LoopbackA: "LoopbackB",
  LoopbackB: "LoopbackA"
};

export interface ConsoleSinks {
  // Serial1 transmit: the text a person on the serial line sees; `echo` marks the REPL's echo of
  // what is typed (the characters, and the line put back under its prompt), which is the typist's
  // own text and may hold a password.
  serial(text: string, echo?: boolean): void;
  // Terminal mode: a line the REPL takes from the typist (Enter), as typed.
  typed?(line: string): void;
  // Text sent over the loopback pair (console output when the console is on a loopback).
  hidden(text: string): void;
  // Uncaught errors, for tests (also printed to the console).
  uncaught(err: any): void;
  // The REPL behaves as seen on a serial terminal: echo, prompt (see the header).
  terminal?: boolean;
}

export class SerialConsole {
  current: DeviceName | null = "Serial1";
  readonly devices: { [k in DeviceName]: any };
  private line = "";
  private pending = "";
  // Terminal mode: the prompt and line are on screen; the line started with \x10 (no echo);
  // a prompt is due once the current output is over.
  private shown = false;
  private quiet = false;
  private due = false;
  private lastCr = false;

  constructor(
    private readonly realm: Realm,
    private readonly runtime: Runtime,
    private readonly events: Events,
    private readonly sinks: ConsoleSinks
  ) {
    const devices: any = {};
    for (const name of DEVICES) devices[name] = this.device(name);
    this.devices = devices;
    // The board shows its prompt once the boot code has run.
    this.promptLater();
  }

  // Characters arriving on Serial1's receive line (a person typing, or a test's sim.type()).
  receive(device: DeviceName, chars: string): void {
    if (!this.runtime.alive || !chars.length) return;
    if (this.current === device) this.repl(device, chars);
    else this.events.emit(this.devices[device], "data", chars);
  }

  // print()/console.log(): one line to the console device.
  print(text: string): void {
    if (this.current === "Serial1") this.hidePrompt();
    this.transmit(this.current, text + "\n");
    this.promptLater();
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
    if (!name || DEVICES.indexOf(name as DeviceName) < 0)
      throw this.realm.error("Unknown console device " + String(device));
    this.moveTo(name as DeviceName);
  }

  // The REPL moves to `device`; a terminal on Serial1 gets its prompt back once the firmware's code
  // is done (the board shows it when idle).
  private moveTo(device: DeviceName | null): void {
    if (device !== this.current && this.current === "Serial1") this.hidePrompt(false);
    this.current = device;
    this.promptLater();
  }

  // Terminal mode: shows the prompt and the line typed so far, unless they are on screen.
  private showPrompt(): void {
    if (!this.sinks.terminal || this.shown || this.current !== "Serial1" || !this.runtime.alive) return;
    this.shown = true;
    const lines = (this.pending + (this.quiet ? "" : this.line)).split("\n");
    lines.forEach((l, i) => {
      this.sinks.serial(i ? "\n:" : ">");
      if (l) this.sinks.serial(l, true);
    });
  }

  // Terminal mode: takes the prompt and the typed line off the screen (`erase`), or only forgets
  // that they are there (the console moved away: the board leaves them as they were).
  private hidePrompt(erase = true): void {
    if (!this.shown) return;
    this.shown = false;
    if (!erase) return;
    const up = this.pending.split("\n").length - 1;
    // Back to column 0, up over the continued lines, clear to the end of the screen.
    this.sinks.serial("\r" + "\x1b[A".repeat(up) + "\x1b[J");
  }

  private promptLater(): void {
    if (!this.sinks.terminal || this.due) return;
    this.due = true;
    setImmediate(() => {
      this.due = false;
      this.showPrompt();
    });
  }

  // Terminal mode: echo of what is typed, unless the line started with \x10.
  private echo(text: string): void {
    if (this.sinks.terminal && !this.quiet && this.shown) this.sinks.serial(text, true);
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
    const text = (data: any) =>
      typeof data === "number"
        ? String.fromCharCode(data)
        : Array.isArray(data)
          ? String.fromCharCode(...data)
          : String(data);
    return this.realm.obj({
      write(...data: any[]) {
        c.runtime.check();
        c.transmit(name, data.map(text).join(""));
      },
      setConsole() {
        c.runtime.check();
        c.moveTo(name);
      },
      toString() {
        return name;
      }
    });
  }

  // Line editing as the board's REPL does it: Enter (\r or \n) runs the line, Ctrl-C drops it,
  // backspace deletes, \x10 (the CLI's "don't echo" prefix) is ignored. An incomplete statement
  // (an open bracket) waits for more lines. In terminal mode each step is echoed as the board does.
  private repl(device: DeviceName, chars: string): void {
    this.showPrompt();
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (ch === "\r" || ch === "\n") {
        if (ch === "\n" && this.lastCr) {
          this.lastCr = false;
          continue;
        }
        const line = this.line;
        const quiet = this.quiet;
        this.line = "";
        this.lastCr = ch === "\r";
        if (this.sinks.terminal && !quiet && this.sinks.typed) this.sinks.typed(line);
        this.echo("\n");
        this.shown = false;
        this.quiet = false;
        const more = (line.length || this.pending.length) && this.evaluate(line, quiet);
        // A quiet line leaves the prompt as it was; a continued statement gets ":", others ">".
        if (quiet) this.shown = true;
        else if (more && this.sinks.terminal) {
          this.shown = true;
          this.sinks.serial(":");
        } else this.showPrompt();
        // The line moved the console: the rest of the input goes where it now belongs.
        if (this.current !== device) return this.receive(device, chars.slice(i + 1));
        continue;
      }
      this.lastCr = false;
      if (ch === "\x03") {
        if (this.line.length || this.pending.length) {
          this.hidePrompt();
          this.line = "";
          this.pending = "";
          this.quiet = false;
          this.showPrompt();
        }
      } else if (ch === "\x7f" || ch === "\b") {
        if (this.line.length) this.echo("\b \b");
        this.line = this.line.slice(0, -1);
      } else if (ch === "\x10") {
        if (!this.line.length && !this.pending.length) this.quiet = true;
      } else {
        this.line += ch;
        this.echo(ch);
      }
    }
  }

  // Runs a complete statement; true when it is incomplete and waits for the next line. A terminal
  // does not see the answer to a line sent behind \x10.
  private evaluate(line: string, quiet = false): boolean {
    const code = this.pending + line;
    try {
      new vm.Script(code);
    } catch (err: any) {
      if (/Unexpected end of input|Unterminated template|missing \) after/.test(String(err && err.message))) {
        this.pending = code + "\n";
        return true;
      }
    }
    this.pending = "";
    try {
      const value = this.realm.run(code, "REPL");
      if (this.runtime.alive && !(quiet && this.sinks.terminal)) this.print("=" + formatValue(value));
    } catch (err) {
      if (err instanceof PowerCut || !this.runtime.alive) return false;
      this.uncaught(err);
    }
    return false;
  }
}
