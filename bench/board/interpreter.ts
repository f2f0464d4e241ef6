// Drives Espruino built for Linux as the board, for the bench (bench/board.ts) and the
// real-interpreter suite (test/board/). One interpreter is one process in a folder of its own: its
// Storage is espruino.flash there, so a kill and a new boot() in the same folder is a power cut.
//
// The console is driven over `--telnet` (TCP 127.0.0.1:2323), never over standard input: the Linux
// build's stdin thread pushes characters into the event queue without a lock and, typed into fast,
// dies on `ASSERT(len <= 64)`. Port 2323 is fixed, so run the process that uses this class in a
// network namespace of its own (bench/board/own-network.sh does it) when anything else on the
// machine may run an interpreter too. What the interpreter prints on stdout before the telnet
// client is accepted (the boot) and on telnet after is one output, in arrival order.
//
//   const i = new Interpreter(bin)          // or new Interpreter(bin, {dir}) to boot an existing flash
//   await i.boot()                          // power on: a new process over the same espruino.flash
//   await i.flash()                         // stores build/storage/* and the fake board (minified) as .boot0
//   await i.eval("1+1")                     // an expression's value (as JSON) at the console, no echo
//   i.type("setup()\r")                     // raw characters on the console, as typed
//   await i.waitFor(/-> Active/)            // output after the cursor; moves the cursor past it
//   await i.usage()                         // variables in use after a garbage collection
//   await i.writeFile(name, data)           // one Storage file, in chunks, its size checked
//   await i.kill()                          // power cut (SIGKILL)
//   await i.powerOnAndCut(ms)               // power on, and cut again ms later (during the boot)
//   await i.close()                         // kill, and remove the folder if this object made it
//   i.memoryErrors                          // every OUT OF MEMORY line seen, across boots
//
// The fake board (bench/board/fake-board.js) prints "#R1"/"#R0" on each relay write and keeps the
// level in BENCH.relay; BENCH.flip(level) moves the wall switch.
import { spawn, ChildProcess } from "node:child_process";
import { connect, Socket } from "node:net";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { minify } from "terser";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const FAKE_SOURCE = readFileSync(path.join(root, "bench", "board", "fake-board.js"), "latin1");
export const TELNET_PORT = 2323;

// Espruino's "no echo" mark: a line starting with it is run without being echoed, as the espruino
// CLI uploads.
const DLE = "\x10";
// Upload chunk: one console line per chunk keeps the typed line (held in RAM while it runs) small.
const CHUNK = 200;
const MEMORY_ERROR = /OUT OF MEMORY|LOW_MEMORY|MEMORY_BUSY/;

// A match of waitFor, with the time (performance.now()) its last character arrived.
export type Match = RegExpExecArray & { at: number };

export interface InterpreterOptions {
  // The folder holding espruino.flash; by default a new temporary one, removed by close().
  dir?: string;
  // Extra environment, e.g. LD_PRELOAD of slowflash32.so for the ESP8266's flash timing.
  env?: NodeJS.ProcessEnv;
}

// The Storage files `npm run flash` writes, each named as its Storage file: build/storage/ (a
// 1 MB board's layout, what every test runs unless it asks) or build/storage-4mb/ (the loader
// and set a).
export function firmwareFiles(layout: "storage" | "storage-4mb" = "storage"): { name: string; data: string }[] {
  const dir = path.join(root, "build", layout);
  if (!existsSync(dir)) throw new Error(`board: no build/${layout}/: run npm run build first`);
  const names = readdirSync(dir)
    .filter((n) => statSync(path.join(dir, n)).isFile())
    .sort();
  return names.map((name) => ({ name, data: readFileSync(path.join(dir, name), "latin1") }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The fake board as stored: without its comments and with short local names, since on the 1 MB
// shape its bytes come out of the 4 KB that the firmware leaves of Storage for its records (a real
// board has no such file). Its global names (BENCH, digitalWrite...) are kept.
let fake: Promise<string> | null = null;
export function fakeBoard(): Promise<string> {
  if (!fake)
    fake = minify(FAKE_SOURCE, { ecma: 5, compress: false, mangle: true, format: { comments: false } }).then(
      (r) => r.code!
    );
  return fake;
}

// Whether anything accepts connections on the telnet port already.
function portTaken(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port: TELNET_PORT }, () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

export class Interpreter {
  output = "";
  // Every line reporting an Espruino memory error, across boots.
  readonly memoryErrors: string[] = [];
  readonly dir: string;
  private readonly ownDir: boolean;
  private cursor = 0;
  // Output up to here has been scanned for memory errors (whole lines only).
  private scanned = 0;
  // Waiters, checked on every chunk of output as it arrives (so `at` is the arrival time).
  private waiters = new Set<() => void>();
  private child: ChildProcess | null = null;
  private telnet: Socket | null = null;
  private seq = 0;

  constructor(
    private readonly bin: string,
    private readonly options: InterpreterOptions = {}
  ) {
    this.ownDir = !options.dir;
    this.dir = options.dir || mkdtempSync(path.join(tmpdir(), "lightnode-board-"));
  }

  // Power on: a new process over the same Storage, its console on telnet once it answers.
  async boot(): Promise<void> {
    await this.kill();
    if (await portTaken()) {
      throw new Error(
        `board: something already listens on 127.0.0.1:${TELNET_PORT} (another interpreter?): ` +
          "run this in a network namespace of its own (bench/board/own-network.sh COMMAND)"
      );
    }
    this.output = "";
    this.cursor = 0;
    this.scanned = 0;
    const child = this.start();
    await this.attach(child);
    // What was printed while booting stays readable by waitFor.
    this.cursor = 0;
  }

  private start(): ChildProcess {
    const child = spawn(this.bin, ["--telnet"], {
      cwd: this.dir,
      // stdin stays an open pipe nobody writes to: at end of file the Linux build would quit.
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...this.options.env }
    });
    this.child = child;
    child.stdout!.setEncoding("latin1");
    child.stdout!.on("data", (d: string) => this.arrive(d));
    child.stderr!.on("data", (d: Buffer) => this.arrive(d.toString("latin1")));
    child.on("exit", () => this.arrive(""));
    return child;
  }

  // Power on, and cut the power again `ms` later wherever the boot has got to (the console is
  // never attached): a cut during the boot. What it printed stays in `output`.
  async powerOnAndCut(ms: number): Promise<void> {
    await this.kill();
    if (await portTaken()) throw new Error(`board: something already listens on 127.0.0.1:${TELNET_PORT}`);
    this.output = "";
    this.cursor = 0;
    this.scanned = 0;
    this.start();
    await sleep(ms);
    await this.kill();
  }

  // Connects the console over telnet, retrying until the interpreter listens (it starts its
  // server on its first idle loop, after the boot code ran), then checks it answers.
  private async attach(child: ChildProcess): Promise<void> {
    const end = Date.now() + 10000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode) throw this.exited("connecting over telnet");
      try {
        this.telnet = await new Promise<Socket>((resolve, reject) => {
          const s = connect({ host: "127.0.0.1", port: TELNET_PORT }, () => resolve(s));
          s.once("error", reject);
        });
        break;
      } catch (e) {
        if (Date.now() > end)
          throw new Error(`board: no telnet console on 127.0.0.1:${TELNET_PORT} (${(e as Error).message})`);
        await sleep(20);
      }
    }
    const s = this.telnet!;
    s.setNoDelay(true);
    s.setEncoding("latin1");
    s.on("data", (d: string) => this.arrive(d));
    s.on("error", () => {});
    s.on("close", () => {
      if (this.telnet === s) this.telnet = null;
    });
    await this.eval("1", 10000);
  }

  // SIGTERM is ignored by the Linux build; Storage is written through at once, so a kill is a power cut.
  async kill(): Promise<void> {
    // The last line, even unfinished.
    this.arrive("\n");
    const child = this.child;
    this.child = null;
    if (this.telnet) this.telnet.destroy();
    this.telnet = null;
    if (!child || child.exitCode !== null || child.signalCode) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }

  async close(): Promise<void> {
    await this.kill();
    if (this.ownDir) rmSync(this.dir, { recursive: true, force: true });
  }

  alive(): boolean {
    return !!this.child && this.child.exitCode === null && !this.child.signalCode;
  }

  // Raw characters on the console, as typed.
  type(chars: string): void {
    if (!this.telnet) throw new Error("board: the telnet console is not connected");
    this.telnet.write(Buffer.from(chars, "latin1"));
  }

  // A line typed at the REPL, as a user would (echoed).
  line(text: string): void {
    this.type(text + "\r");
  }

  private arrive(d: string): void {
    this.output += d;
    const end = this.output.lastIndexOf("\n") + 1;
    if (end > this.scanned) {
      for (const line of this.output.slice(this.scanned, end).split("\n")) {
        if (MEMORY_ERROR.test(line)) this.memoryErrors.push(line.trim());
      }
      this.scanned = end;
    }
    for (const w of [...this.waiters]) w();
  }

  private exited(what: string): Error {
    const c = this.child;
    const how = c ? `code ${c.exitCode}, signal ${c.signalCode}` : "killed";
    return new Error(`board: interpreter exited (${how}) while ${what}; recent output:\n${this.output.slice(-1500)}`);
  }

  // Waits for `re` in the output after the cursor, then moves the cursor past it. `at` is when
  // the output completing the match arrived.
  waitFor(re: RegExp, ms = 10000): Promise<Match> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(this.output.slice(this.cursor)) as Match | null;
        if (m) {
          done();
          m.at = performance.now();
          this.cursor += m.index + m[0].length;
          resolve(m);
        } else if (!this.alive()) {
          done();
          reject(this.exited(`waiting for ${re}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`board: no ${re} within ${ms} ms; recent output:\n${this.output.slice(-1500)}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  // Moves the cursor to the end of the output seen so far (what was printed before is skipped).
  skip(): void {
    this.cursor = this.output.length;
  }

  // Evaluates an expression at the console without echo and returns its value as JSON.
  async eval(expr: string, ms = 10000): Promise<any> {
    // The value is matched after the cursor: earlier output stays readable by waitFor.
    const from = this.cursor;
    const tag = "@" + ++this.seq + "@";
    this.type(`${DLE}print("${tag}"+JSON.stringify((${expr}))+"${tag}")\r`);
    const m = await this.waitFor(new RegExp(tag + "(.*?)" + tag), ms);
    this.cursor = from;
    return m[1] === "undefined" || m[1] === "" ? undefined : JSON.parse(m[1]);
  }

  // Variables in use after a garbage collection.
  usage(): Promise<number> {
    return this.eval("process.memory().usage");
  }

  // Writes a Storage file in chunks, as the espruino CLI's --storage does, and reads its size back.
  async writeFile(name: string, data: string): Promise<void> {
    for (let at = 0; at < data.length || at == 0; at += CHUNK) {
      // Bytes over 0x7e as \x escapes: the console decodes raw UTF-8 sequences as they are typed.
      const chunk = JSON.stringify(data.slice(at, at + CHUNK)).replace(
        /[\x7f-\xff]/g,
        (c) => "\\x" + c.charCodeAt(0).toString(16)
      );
      const args = at == 0 ? `${chunk},0,${data.length}` : `${chunk},${at}`;
      await this.eval(`require("Storage").write(${JSON.stringify(name)},${args})`);
    }
    const size = await this.eval(`(require("Storage").read(${JSON.stringify(name)})||"").length`);
    if (size !== data.length) throw new Error(`board: ${name} stored as ${size} bytes, not ${data.length}`);
  }

  // Stores what `npm run flash` writes (build/storage/*) and the fake board as .boot0; they run
  // from the next boot().
  async flash(): Promise<void> {
    await this.writeFile(".boot0", await fakeBoard());
    for (const f of firmwareFiles()) await this.writeFile(f.name, f.data);
  }

  // Since this object was made (across boots).
  outOfMemory(): boolean {
    return this.memoryErrors.length > 0;
  }
}
