// Drives Espruino built for Linux as the bench's board: a child process in a folder of its own (its
// Storage persists there, in espruino.flash), its console on stdin/stdout as the board's serial line.
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

// Espruino's "no echo" mark: a line starting with it is run without being echoed, as the espruino
// CLI uploads.
const DLE = "\x10";
// Upload chunk: one console line per chunk keeps the typed line (held in RAM while it runs) small.
const CHUNK = 200;
const MEMORY_ERROR = /OUT OF MEMORY|LOW_MEMORY|MEMORY_BUSY/;

// A match of waitFor, with the time (performance.now()) its last character arrived.
export type Match = RegExpExecArray & { at: number };

export class Interpreter {
  output = "";
  private cursor = 0;
  // Waiters, checked on every chunk of output as it arrives (so `at` is the arrival time).
  private waiters = new Set<() => void>();
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(path.join(tmpdir(), "lightnode-board-"));
  private seq = 0;

  constructor(private readonly bin: string) {}

  // Power on: a new process over the same Storage.
  async boot(): Promise<void> {
    await this.kill();
    this.output = "";
    this.cursor = 0;
    this.scanned = 0;
    const child = spawn(this.bin, [], { cwd: this.dir, stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    child.stdout!.setEncoding("latin1");
    child.stdout!.on("data", (d: string) => this.arrive(d));
    child.stderr!.on("data", (d: Buffer) => this.arrive(d.toString("latin1")));
    child.on("exit", () => this.arrive(""));
    await this.waitFor(/>/, 10000);
    // What was printed while booting stays readable by waitFor.
    this.cursor = 0;
  }

  // SIGTERM is ignored by the Linux build; Storage is written through at once, so a kill is a power cut.
  async kill(): Promise<void> {
    // The last line, even unfinished.
    this.arrive("\n");
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  // Raw characters on the serial line.
  typeRaw(chars: string): void {
    this.child!.stdin!.write(Buffer.from(chars, "latin1"));
  }

  // A line typed at the REPL, as a user would (echoed).
  type(line: string): void {
    this.typeRaw(line + "\r");
  }

  // Every line reporting an Espruino memory error, across boots.
  readonly memoryErrors: string[] = [];

  // Output up to here has been scanned for memory errors (whole lines only).
  private scanned = 0;

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
        } else if (!this.child || this.child.exitCode !== null) {
          done();
          const how = this.child ? `code ${this.child.exitCode}, signal ${this.child.signalCode}` : "killed";
          reject(new Error(`board: interpreter exited (${how}) while waiting for ${re}; recent output:\n${this.output.slice(-1500)}`));
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
    this.typeRaw(`${DLE}print("${tag}"+JSON.stringify((${expr}))+"${tag}")\r`);
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
      const chunk = JSON.stringify(data.slice(at, at + CHUNK)).replace(/[\x7f-\xff]/g, (c) => "\\x" + c.charCodeAt(0).toString(16));
      const args = at == 0 ? `${chunk},0,${data.length}` : `${chunk},${at}`;
      await this.eval(`require("Storage").write(${JSON.stringify(name)},${args})`);
    }
    const size = await this.eval(`(require("Storage").read(${JSON.stringify(name)})||"").length`);
    if (size !== data.length) throw new Error(`board: ${name} stored as ${size} bytes, not ${data.length}`);
  }

  // Since this object was made (across boots).
  outOfMemory(): boolean {
    return this.memoryErrors.length > 0;
  }
}
