// Drives Espruino built for Linux as the bench's board: a child process in a folder of its own (its
// Storage persists there, in espruino.flash), its console on stdin/stdout as the board's serial line.
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// Espruino's "no echo" mark: a line starting with it is run without being echoed, as the espruino
// CLI uploads.
const DLE = "\x10";
// Upload chunk: one console line per chunk keeps the typed line (held in RAM while it runs) small.
const CHUNK = 400;

export class Interpreter {
  output = "";
  private cursor = 0;
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(path.join(tmpdir(), "lightnode-board-"));
  private seq = 0;

  constructor(private readonly bin: string) {}

  // Power on: a new process over the same Storage.
  async boot(): Promise<void> {
    await this.kill();
    this.output = "";
    this.cursor = 0;
    const child = spawn(this.bin, [], { cwd: this.dir, stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    child.stdout!.setEncoding("latin1");
    child.stdout!.on("data", (d: string) => (this.output += d));
    child.stderr!.on("data", (d: Buffer) => (this.output += d.toString("latin1")));
    await this.waitFor(/>/, 10000);
  }

  // SIGTERM is ignored by the Linux build; Storage is written through at once, so a kill is a power cut.
  async kill(): Promise<void> {
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

  // Waits for `re` in the output after the cursor, then moves the cursor past it.
  async waitFor(re: RegExp, ms = 10000): Promise<RegExpExecArray> {
    const end = Date.now() + ms;
    for (;;) {
      const m = re.exec(this.output.slice(this.cursor));
      if (m) {
        this.cursor += m.index + m[0].length;
        return m;
      }
      if (Date.now() > end || !this.child || this.child.exitCode !== null)
        throw new Error(`board: no ${re} within ${ms} ms; recent output:\n${this.output.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  // Evaluates an expression at the console without echo and returns its value as JSON.
  async eval(expr: string, ms = 10000): Promise<any> {
    const tag = "@" + ++this.seq + "@";
    this.typeRaw(`${DLE}print("${tag}"+JSON.stringify(${expr})+"${tag}")\r`);
    const m = await this.waitFor(new RegExp(tag + "(.*?)" + tag), ms);
    return m[1] === "undefined" || m[1] === "" ? undefined : JSON.parse(m[1]);
  }

  // Variables in use after a garbage collection.
  usage(): Promise<number> {
    return this.eval("process.memory().usage");
  }

  // Writes a Storage file in chunks, as the espruino CLI's --storage does, and reads its size back.
  async writeFile(name: string, data: string): Promise<void> {
    for (let at = 0; at < data.length || at == 0; at += CHUNK) {
      const chunk = JSON.stringify(data.slice(at, at + CHUNK));
      const args = at == 0 ? `${chunk},0,${data.length}` : `${chunk},${at}`;
      await this.eval(`require("Storage").write(${JSON.stringify(name)},${args})`);
    }
    const size = await this.eval(`(require("Storage").read(${JSON.stringify(name)})||"").length`);
    if (size !== data.length) throw new Error(`board: ${name} stored as ${size} bytes, not ${data.length}`);
  }

  outOfMemory(): boolean {
    return /OUT OF MEMORY|LOW_MEMORY|MEMORY_BUSY/.test(this.output);
  }
}
