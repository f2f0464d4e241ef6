// The host simulator: runs the real artifact (build/firmware.js) in a node:vm context shaped like
// Espruino 2v29 on an ESP8266, with real TCP, a persisted Storage, a simulated access point and
// observable pins. Tests drive it in-process; sim/cli.ts wires it to a terminal.
//
// API (stable; other engineers' tests depend on it):
//   const sim = await Simulator.start({ bundle?, dataDir?, ap?: {ssid, password, rssi?}, ... });
//   sim.type("config({ssid:'x'})")   one line typed on Serial1, Enter = "\r" (typeRaw: exact chars)
//   sim.output                        all Serial1 output so far, every boot ("\n" line ends; typing
//                                     is not echoed, no prompt, unless started with terminal: true
//                                     as the CLI is). sim.hidden: console output sent elsewhere
//                                     (console on LoopbackA). sim.errors: uncaught errors.
//   await sim.waitFor(/re/, ms?)      resolves with the RegExpExecArray (or string index) found in
//                                     output AFTER the cursor, then moves the cursor past it (expect-
//                                     style: each waitFor consumes output; {from: 0} searches all).
//                                     Rejects after ms (default 5000) with the recent output.
//   sim.mark() / sim.since(mark)      cursor-free: remember the output length, read what came after.
//   sim.onOutput(fn)                  fn(text, echo) for each piece of Serial1 output (echo: the REPL's
//                                     echo of typed characters, terminal mode); returns a stop function
//   sim.onTyped(fn)                   fn(line) for each line the REPL takes from the typist (terminal
//                                     mode); returns a stop function. sim.printed: output without echo
//   sim.eval("expr")                  evaluate in the firmware's global scope, value as is
//   sim.evalJSON("expr")              same, JSON round-tripped into host objects (deepEqual-safe)
//   sim.pins      level(pin) mode(pin) set(pin, level) float(pin) press/release/bounce(pin, opts)
//                 history(pin, boot?) writes(pin, boot?) watchesOn(pin?) watchCount(pin?) currentBoot()
//                 observe(fn(pin, event)) -> stop function
//   sim.wifi      apDown() apUp() configure({ssid,password,rssi}) dhcp station hostname saveCalls
//                 calls ("connect <ssid>", "disconnect", "hostname <name>") up upListeners
//   sim.storage   get(name) put(name, data) remove(name) names() failNextWrite("throw"|"false")
//                 powerCutDuringNextWrite() corrupt(name, {at?, xor?}) writes erases used()
//   sim.net       connections (log of {host, port}) openCount() dropAll()
//   sim.telnet    mode ("on" at power-on; firmware should set "off")
//   sim.saveCalls number of global save() calls this boot;  sim.timerCount() pending timers
//   sim.dead      true after a power cut (Storage fault) until restart()
//   await sim.restart({halfOpenSockets?})  power cycle: new context, timers/sockets gone, Storage,
//                 pin wiring and output kept; boots the bundle again (re-read from disk)
//   await sim.stop()                      idempotent; closes sockets, clears timers
//
// Behaviour kept from the board on purpose (see the module files): clearTimeout() clears all
// timers and an id no longer pending is ignored, events from obj.emit run after the emitting code
// returns, a debounced watch fires only when the level moved, Wifi.getDetails() includes the
// password, require of an unknown module throws, the 512 KB board (board: "ESP8266_BOARD") has no
// TelnetServer. Not as on the board: hoisting (V8 hoists; the gate checks it).
// The same cores (timers, Wifi, net, Storage, pins) serve unit tests on Node: sim/node-env.ts.
// Timers use the host's setTimeout/Date at call time, so sinon fake timers drive them; pin
// press/release helpers sleep on host timers too (under fake timers use pins.set and tick).
import { existsSync, readFileSync, readdirSync, mkdtempSync, rmSync } from "node:fs";
import { CONSOLE_FILE, NET_FILE } from "../src/config";
import { tmpdir } from "node:os";
import path from "node:path";
import { Board, BoardId, Hardware } from "./board";
import { FlashStorage } from "./storage";
import { Pins } from "./pins";
import { AccessPoint, ApConfig, WifiTiming } from "./wifi";
import { Network } from "./net";
import { Telnet } from "./telnet";
import { ResetReason } from "./esp8266";
import { formatError } from "./format";

export interface SimulatorOptions {
  // The bundle to boot (default: $LIGHTNODE_BUNDLE, else build/firmware.js of this repository;
  // `npm test` runs the end-to-end tests a second time on the flashed build/firmware.min.js).
  bundle?: string;
  // Where Storage persists; default: a fresh temporary folder, removed by stop().
  dataDir?: string;
  // A folder of Storage files flashed at start as `npm run flash` does (build/storage-4mb: the
  // loader as .bootcde and set a; set b and the boot record erased), booted from .bootcde at every
  // power-on instead of `bundle`, so an update over the air stays installed across restarts.
  layout?: string;
  ap?: ApConfig;
  board?: BoardId;
  serial?: string;
  // JS variables of RAM (default 1,600 for ESP8266_4MB, 1,700 for ESP8266_BOARD).
  variables?: number;
  storageBytes?: number;
  wifi?: WifiTiming;
  // Silence after the Wi-Fi link drops before open sockets error out (default 10 s).
  silentCloseMs?: number;
  // Externally driven input levels from power-on, e.g. { D0: true } for a button with a pull-up.
  inputs?: { [pin: string]: boolean };
  // Copy Serial1 output somewhere as it happens (the CLI passes process.stdout.write).
  // SIM_ECHO=1 in the environment copies it to stderr, for debugging tests.
  echo?: (text: string) => void;
  // Serial1 is a person's terminal (the CLI): the REPL echoes what is typed and prints its `>`
  // prompt, as the board does. Off by default, so that `output` is what the firmware printed.
  terminal?: boolean;
}

export interface WaitOptions {
  from?: number;
}

const ROOT = path.resolve(__dirname, "..");
const DEFAULT_AP: ApConfig = { ssid: "lightnode-sim", password: "correct horse" };

export class Simulator {
  output = "";
  // Serial1 output without the echo of what was typed (the board's own words).
  printed = "";
  hidden = "";
  readonly errors: any[] = [];
  readonly storage: FlashStorage;
  readonly pins: Pins;
  readonly wifi: AccessPoint;
  readonly net: Network;
  readonly telnet: Telnet;
  readonly bundle: string;
  readonly layout: string | null;
  dead = false;
  stopped = false;
  private cursor = 0;
  private board: Board | null = null;
  private readonly hw: Hardware;
  private readonly ownDataDir: string | null;
  private readonly echo: ((text: string) => void) | null;
  private readonly terminal: boolean;
  private waiters: Array<() => void> = [];
  private outputListeners: Array<(text: string, echo: boolean) => void> = [];
  private typedListeners: Array<(line: string) => void> = [];
  private rebooting: Promise<void> = Promise.resolve();

  private constructor(options: SimulatorOptions) {
    this.bundle = path.resolve(
      options.bundle || process.env.LIGHTNODE_BUNDLE || path.join(ROOT, "build", "firmware.js")
    );
    this.layout = options.layout ? path.resolve(options.layout) : null;
    this.ownDataDir = options.dataDir ? null : mkdtempSync(path.join(tmpdir(), "lightnode-sim-"));
    const dataDir = options.dataDir || this.ownDataDir!;
    // The layout's two sets of files need a 4 MB board's Storage (192 KB).
    const capacity = options.storageBytes || (this.layout ? 192 * 1024 : undefined);
    this.storage = new FlashStorage({ dataDir, capacity });
    this.storage.onPowerCut = () => this.powerCut();
    this.pins = new Pins(options.inputs);
    this.wifi = new AccessPoint(options.ap || DEFAULT_AP, options.wifi);
    this.net = new Network(() => this.wifi.linkUp(), { silentCloseMs: options.silentCloseMs });
    this.wifi.linkListeners.push((up) => this.net.link(up));
    this.telnet = new Telnet();
    const board = options.board || "ESP8266_4MB";
    this.hw = {
      storage: this.storage,
      pins: this.pins,
      ap: this.wifi,
      net: this.net,
      telnet: this.telnet,
      serial: options.serial || "5ccf7f0a-1b2c",
      board,
      variables: options.variables || (board === "ESP8266_4MB" ? 1600 : 1700)
    };
    const env = process.env.SIM_ECHO ? (t: string) => process.stderr.write(t) : null;
    this.echo = options.echo || env;
    this.terminal = !!options.terminal;
  }

  // Creates the simulator and powers the board on; resolves once the boot code and init ran.
  static async start(options: SimulatorOptions = {}): Promise<Simulator> {
    const sim = new Simulator(options);
    if (sim.layout) sim.flashLayout(sim.layout);
    sim.powerOn("power on");
    return sim;
  }

  // ---- console ---------------------------------------------------------------------------------

  // Types a line on Serial1 followed by Enter ("\r", as a serial terminal sends).
  type(line: string, eol = "\r"): void {
    this.typeRaw(line + eol);
  }

  typeRaw(chars: string): void {
    if (this.board && !this.dead) this.board.console.receive("Serial1", chars);
  }

  // Which device holds the console: "Serial1", "LoopbackA", "LoopbackB" or null.
  get consoleDevice(): string | null {
    return this.board ? this.board.console.current : null;
  }

  mark(): number {
    return this.output.length;
  }

  // Calls `fn` with each piece of Serial1 output as it is written; returns a function that stops it.
  onOutput(fn: (text: string, echo: boolean) => void): () => void {
    this.outputListeners.push(fn);
    return () => {
      this.outputListeners = this.outputListeners.filter((l) => l !== fn);
    };
  }

  // Calls `fn` with each line the REPL takes from the typist (terminal mode); returns a stop function.
  onTyped(fn: (line: string) => void): () => void {
    this.typedListeners.push(fn);
    return () => {
      this.typedListeners = this.typedListeners.filter((l) => l !== fn);
    };
  }

  since(mark: number): string {
    return this.output.slice(mark);
  }

  // Waits until `pattern` shows up in the output after the cursor (see the header).
  waitFor(pattern: RegExp | string, timeoutMs = 5000, options: WaitOptions = {}): Promise<RegExpExecArray> {
    const from = options.from === undefined ? this.cursor : options.from;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const text = this.output.slice(from);
        let m: RegExpExecArray | null;
        if (typeof pattern === "string") {
          const i = text.indexOf(pattern);
          m = i < 0 ? null : (Object.assign([pattern], { index: i, input: text }) as any);
        } else {
          const re = new RegExp(pattern.source, pattern.flags.replace("g", ""));
          m = re.exec(text);
        }
        if (!m) return false;
        this.cursor = from + m.index + m[0].length;
        resolve(m);
        return true;
      };
      if (check()) return;
      const waiter = () => {
        if (check()) done();
      };
      const timer = setTimeout(() => {
        done();
        const recent = this.output.slice(Math.max(from, this.output.length - 1500));
        const errs = this.errors.length ? "\nuncaught errors: " + this.errors.map(formatError).join("; ") : "";
        const state = this.dead ? " (the board is dead: power cut)" : this.stopped ? " (the simulator is stopped)" : "";
        reject(
          new Error(
            `waitFor ${String(pattern)}: not seen within ${timeoutMs} ms${state}.${errs}\n--- output since the cursor (last 1500 chars) ---\n${recent}\n---`
          )
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      this.waiters.push(waiter);
    });
  }

  // ---- firmware state --------------------------------------------------------------------------

  eval(expr: string): any {
    if (!this.board || this.dead) throw new Error("eval: the board is not running");
    return this.board.realm.run(expr, "eval");
  }

  evalJSON(expr: string): any {
    const json = this.board!.realm.global.JSON.stringify(this.eval(expr));
    return json === undefined ? undefined : JSON.parse(json);
  }

  get saveCalls(): number {
    return this.board ? this.board.saveCalls : 0;
  }

  timerCount(): number {
    return this.board ? this.board.timers.count() : 0;
  }

  // The firmware's global object (for tests that need to reach in; prefer eval).
  get global(): any {
    return this.board ? this.board.realm.global : undefined;
  }

  // ---- power ----------------------------------------------------------------------------------------

  // Power cycle. Storage, pin wiring and output are kept; the bundle is read again from disk.
  async restart(options: { halfOpenSockets?: boolean } = {}): Promise<void> {
    await this.rebooting;
    this.powerOff(!!options.halfOpenSockets);
    this.dead = false;
    this.powerOn("power on");
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.rebooting;
    this.powerOff(false);
    this.net.destroyAll();
    for (const w of this.waiters.slice()) w();
    if (this.ownDataDir) rmSync(this.ownDataDir, { recursive: true, force: true });
  }

  // The Storage files flashed with the boot code: build/console.js and build/net.js beside
  // build/firmware.js (and their .min.js beside firmware.min.js), as `npm run flash` writes
  // build/storage/. Put there again at every power-on, so a rebuilt bundle comes with its own.
  private flashCompanions(): void {
    for (const [name, file] of [
      ["console", CONSOLE_FILE],
      ["net", NET_FILE]
    ]) {
      const companion = this.bundle.replace(/firmware(\.min)?\.js$/, name + "$1.js");
      if (companion !== this.bundle && existsSync(companion)) this.storage.put(file, readFileSync(companion, "latin1"));
    }
  }

  // What `npm run flash` writes on a 4 MB board (scripts/flash.mjs): every file of the folder, and
  // set b's files and the boot record (ln.b.*, ln.boot.*) erased, so that set a runs. The
  // configuration records stay, as on the board.
  private flashLayout(dir: string): void {
    for (const name of this.storage.names()) if (/^ln\.b/.test(name)) this.storage.remove(name);
    for (const name of readdirSync(dir)) this.storage.put(name, readFileSync(path.join(dir, name), "latin1"));
  }

  // As Espruino boots: with a layout, .bootcde from Storage (none: nothing but the REPL runs).
  private bootCode(): string {
    if (this.layout) return this.storage.get(".bootcde") || "";
    return readFileSync(this.bundle, "utf8");
  }

  private powerOn(reason: ResetReason): void {
    if (this.stopped) return;
    if (!this.layout) this.flashCompanions();
    this.board = this.newBoard(reason);
    this.board.boot(this.bootCode(), this.layout ? ".bootcde" : this.bundle);
  }

  private newBoard(reason: ResetReason): Board {
    return new Board(
      this.hw,
      {
        serial: (text, echo) => this.write(text, !!echo),
        typed: (line) => this.typedListeners.slice().forEach((l) => l(line)),
        hidden: (text) => (this.hidden += text),
        uncaught: (err) => this.errors.push(err),
        reboot: (how) => (this.rebooting = this.reboot(how)),
        terminal: this.terminal
      },
      reason
    );
  }

  private powerOff(halfOpen: boolean): void {
    if (this.board) this.board.shutdown(halfOpen);
    this.board = null;
  }

  // reset(): RAM wiped, nothing runs. load(): boots the code again.
  private async reboot(how: "reset" | "load"): Promise<void> {
    if (this.stopped || !this.board) return;
    this.powerOff(false);
    if (how === "reset") {
      this.board = this.newBoard("software restart");
      return;
    }
    this.powerOn("power on");
  }

  private powerCut(): void {
    this.dead = true;
    if (this.board) this.board.shutdown(true);
  }

  private write(text: string, echo: boolean): void {
    this.output += text;
    if (!echo) this.printed += text;
    if (this.echo) this.echo(text);
    for (const l of this.outputListeners.slice()) l(text, echo);
    for (const w of this.waiters.slice()) w();
  }
}
