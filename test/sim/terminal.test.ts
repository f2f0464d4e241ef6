// `npm start` in a real terminal: the CLI runs under a pseudo-terminal (util-linux `script`), so the
// terminal's own echo and Ctrl-C handling are in play, as for a person at the keyboard. What the
// test reads is everything the terminal would show.
import { strict as assert } from "node:assert";
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startAedes, RunningBroker } from "../support/brokers";
import { cliCommand, CLI_WIFI_PASSWORD } from "../support/cli";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (text: string, word: string) => text.split(word).length - 1;

interface Terminal {
  child: ChildProcess;
  screen(): string;
  // Waits for `re` in what came after `from` (default: everything); resolves with the text length.
  waitFor(re: RegExp, ms?: number, from?: number): Promise<number>;
  keys(chars: string): void;
  exited: Promise<number | null>;
}

describe("sim: the console in a real terminal (npm start under a pty)", function () {
  this.timeout(40000);
  let broker: RunningBroker;
  let dataDir: string;
  let term: Terminal | null = null;

  before(function () {
    if (process.platform !== "linux") this.skip();
  });
  beforeEach(async () => {
    broker = await startAedes();
    dataDir = mkdtempSync(path.join(tmpdir(), "lightnode-tty-"));
  });
  afterEach(async () => {
    if (term && term.child.exitCode === null) {
      term.child.kill("SIGKILL");
      await term.exited;
    }
    term = null;
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function open(): Terminal {
    const cli = cliCommand(broker.url, dataDir);
    const child = spawn("script", ["-qfec", cli.join(" "), "/dev/null"], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, TERM: "dumb" }
    });
    let out = "";
    child.stdout!.setEncoding("latin1");
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return {
      child,
      exited,
      screen: () => out,
      keys: (chars) => child.stdin!.write(chars),
      waitFor: async (re, ms = 5000, from = 0) => {
        const end = Date.now() + ms;
        while (!re.test(out.slice(from))) {
          if (Date.now() > end) throw new Error(`not seen ${re} in:\n${JSON.stringify(out.slice(from))}`);
          if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before ${re}:\n${out.slice(from)}`);
          await sleep(20);
        }
        return out.length;
      }
    };
  }

  // Boots to the REPL's prompt, after the banner.
  async function boot(): Promise<Terminal> {
    const t = (term = open());
    await t.waitFor(/lightnode \d+\.\d+\.\d+[^]*\n>/, 20000);
    return t;
  }

  it("setup(): the password is not shown, answers appear once, and Ctrl-C abandons the wizard, not the simulator", async () => {
    const t = await boot();
    t.keys("setup()\r");
    const asked = await t.waitFor(/ssid \[[^\]]*\]: $/);
    t.keys("testnet\r");
    await t.waitFor(/password \[[^\]]*\]: $/, 5000, asked);
    const pw = t.screen().length;
    t.keys(CLI_WIFI_PASSWORD + "\r");
    const broke = await t.waitFor(/broker \[[^\]]*\]: $/, 5000, pw);
    assert.equal(count(t.screen().slice(pw), CLI_WIFI_PASSWORD), 0, "the Wi-Fi password is shown as typed");
    assert.equal(count(t.screen().slice(asked, pw), "testnet"), 1, "the ssid answer is not shown exactly once");
    t.keys("\x03");
    await t.waitFor(/setup abandoned/, 5000, broke);
    await sleep(300);
    assert.equal(t.child.exitCode, null, "Ctrl-C ended the simulator");
    const after = t.screen().length;
    t.keys("6*7\r");
    await t.waitFor(/=42/, 5000, after);
    // The REPL echoes the typed line once (as the board does), then the result and a new prompt.
    assert.equal(count(t.screen().slice(after), "6*7"), 1, "the typed line is not echoed exactly once");
    await t.waitFor(/=42\r?\n>/, 5000, after);
  });

  it("Ctrl-C at the prompt clears the line; Ctrl-] leaves the simulator", async () => {
    const t = await boot();
    t.keys("1+");
    await t.waitFor(/>1\+$/);
    t.keys("\x03");
    await sleep(300);
    assert.equal(t.child.exitCode, null, "Ctrl-C ended the simulator");
    const after = t.screen().length;
    t.keys("2+3\r");
    // "1+" was dropped: "2+3" alone is evaluated.
    await t.waitFor(/=5/, 5000, after);
    t.keys("\x1d");
    assert.equal(await t.exited, 0);
    assert.match(t.screen(), /simulator stopped/);
  });

  it("simulator commands work key by key, and .exit leaves", async () => {
    const t = await boot();
    for (const ch of ".relay\r") {
      t.keys(ch);
      await sleep(5);
    }
    await t.waitFor(/relay D12: off/);
    assert.doesNotMatch(t.screen(), /Uncaught/);
    t.keys(".exit\r");
    assert.equal(await t.exited, 0);
    assert.match(t.screen(), /simulator stopped/);
  });
});
