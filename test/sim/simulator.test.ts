// The simulator itself, on small fixture bundles (not the firmware): each Espruino-shaped piece
// behaves as the board does, with real TCP and a real persisted data folder.
import { strict as assert } from "node:assert";
import { createServer, Server } from "node:net";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Simulator, SimulatorOptions } from "../../sim/simulator";
// @ts-ignore: plain ES module without types
import { ABSENT_GLOBALS, ABSENT_STATICS, ABSENT_METHODS } from "../../scripts/espruino-absent.mjs";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), "lightnode-simtest-"));
  dirs.push(d);
  return d;
}

// Writes `code` as a bundle and boots it.
async function boot(code: string, options: SimulatorOptions = {}): Promise<Simulator> {
  const file = path.join(tempDir(), "bundle.js");
  writeFileSync(file, code);
  return Simulator.start({ bundle: file, wifi: { joinMs: [5, 10], retryMs: 50 }, ...options });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("sim: simulator", () => {
  let sim: Simulator;
  afterEach(async () => {
    if (sim) await sim.stop();
  });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  describe("globals", () => {
    it("lacks what Espruino lacks and has what it has", async () => {
      sim = await boot("");
      const absent = [
        "Map",
        "Set",
        "WeakMap",
        "Symbol",
        "Proxy",
        "Reflect",
        "structuredClone",
        "RangeError",
        "Object.freeze",
        "Object.is",
        "Array.from",
        "Math.trunc",
        "Number.isInteger",
        "''.trimStart",
        "''.search",
        "new Uint8Array(1).slice",
        "Promise.race"
      ];
      for (const expr of absent) assert.equal(sim.eval("typeof " + expr), "undefined", expr);
      // Every entry of the list the gate checks too.
      const instance: { [owner: string]: string } = {
        "Array.prototype": "[]",
        "String.prototype": "''",
        "Promise.prototype": "Promise.resolve()",
        "TypedArray.prototype": "new Uint8Array(1)"
      };
      for (const name of ABSENT_GLOBALS as string[]) assert.equal(sim.eval("typeof " + name), "undefined", name);
      for (const [owner, names] of Object.entries(ABSENT_STATICS as { [k: string]: string[] })) {
        // V8's constants (Number.EPSILON...) cannot be deleted: only the gate catches those.
        const fixed = (name: string) =>
          Object.getOwnPropertyDescriptor((globalThis as any)[owner], name)?.configurable === false;
        for (const name of names)
          if (!fixed(name)) assert.equal(sim.eval(`typeof ${owner}.${name}`), "undefined", `${owner}.${name}`);
      }
      for (const [owner, names] of Object.entries(ABSENT_METHODS as { [k: string]: string[] })) {
        assert.ok(instance[owner], "no instance for " + owner);
        for (const name of names)
          assert.equal(sim.eval(`typeof ${instance[owner]}.${name}`), "undefined", `${owner}.${name}`);
      }
      const present = [
        "Promise",
        "JSON",
        "Object.assign",
        "Uint8Array",
        "DataView",
        "E.CRC32",
        "getSerial",
        "process.memory",
        "setWatch",
        "D12",
        "Serial1",
        "LoopbackA",
        "require",
        "global",
        "save",
        "reset",
        "load"
      ];
      for (const expr of present) assert.notEqual(sim.eval("typeof " + expr), "undefined", expr);
      assert.equal(sim.eval("global === this"), true);
      assert.match(sim.eval("getSerial()"), /^[0-9a-f]{8}-[0-9a-f]{4}$/);
    });

    it("computes E.CRC32 as the standard CRC-32 of the bytes", async () => {
      sim = await boot("");
      assert.equal(sim.eval("E.CRC32('123456789')"), 0xcbf43926);
      assert.equal(sim.eval("E.CRC32('\\xff\\x00')"), 3539857293); // python3 zlib.crc32(b"\xff\x00")
      assert.equal(sim.eval("E.toString(104, [105], 'x')"), "hix");
    });

    it("estimates process.memory() in variables, growing with data", async () => {
      sim = await boot("var keep = [];");
      const before = sim.evalJSON("process.memory()");
      assert.deepEqual([before.total, before.free + before.usage], [1600, 1600]);
      sim.eval("for (var i = 0; i < 100; i++) keep.push({ n: i, s: 'some text here' + i })");
      const after = sim.evalJSON("process.memory()");
      assert.ok(after.usage > before.usage + 300, `usage ${before.usage} -> ${after.usage}`);
    });

    it("counts what closures hold in process.memory()", async () => {
      sim = await boot(
        "(function () { var big = []; global.grow = function () { for (var i = 0; i < 50; i++) big.push('0123456789abcdefghij' + i); }; })();"
      );
      const before = sim.evalJSON("process.memory().usage");
      sim.eval("grow()");
      assert.ok(sim.evalJSON("process.memory().usage") > before + 100);
    });

    it("has no TelnetServer on the 512 KB board", async () => {
      sim = await boot("", { board: "ESP8266_BOARD" });
      sim.type("require('TelnetServer')");
      await sim.waitFor(/Uncaught Error: Module TelnetServer not found/, 1000);
      assert.equal(sim.evalJSON("process.memory().total"), 1700);
    });
  });

  describe("console", () => {
    it("evaluates typed lines like the REPL, printing =value and uncaught errors", async () => {
      sim = await boot("function hello() { print('hi', 1, {a: [1, 'b']}); return 'done'; }");
      sim.type("hello()");
      await sim.waitFor('hi 1 { a: [ 1, "b" ] }\n="done"\n', 1000);
      sim.type("nope()");
      await sim.waitFor(/Uncaught ReferenceError: nope is not defined/, 1000);
      sim.type("if (true) {");
      sim.type("  print('two lines') }");
      await sim.waitFor("two lines\n=undefined", 1000);
      assert.equal(sim.errors.length, 1);
    });

    it("hands typed text to Serial1's data listeners while a wizard holds the console", async () => {
      sim = await boot(
        "function wizard() { LoopbackA.setConsole(); Serial1.write('name? ');" +
          " Serial1.on('data', function (d) { buf += d; if (buf.indexOf('\\r') >= 0) { Serial1.removeAllListeners('data'); Serial1.setConsole(); print('got ' + JSON.stringify(buf)); } }); }" +
          " var buf = '';"
      );
      sim.type("wizard()");
      await sim.waitFor("name? ", 1000);
      assert.equal(sim.consoleDevice, "LoopbackA");
      sim.type("1+1");
      await sim.waitFor('got "1+1\\r"', 1000);
      assert.equal(sim.consoleDevice, "Serial1");
      assert.ok(!/=2/.test(sim.output), "the typed line must not reach the REPL");
      sim.type("1+2");
      await sim.waitFor("=3", 1000);
    });

    it("sends console output to the loopback while the console is moved", async () => {
      sim = await boot("");
      sim.type(
        "LoopbackB.on('data', function (d) { Serial1.write('[' + d + ']'); }); LoopbackA.setConsole(); print('hidden')"
      );
      await sim.waitFor("[hidden\n]", 1000);
      assert.match(sim.hidden, /hidden/);
    });

    it("rejects waitFor with the recent output when the text never comes", async () => {
      sim = await boot("print('something else')");
      await assert.rejects(
        sim.waitFor(/never/, 100),
        (err: any) => /not seen within 100 ms/.test(err.message) && /something else/.test(err.message)
      );
    });

    it("runs E.on('init') handlers after the code, and again after save()", async () => {
      sim = await boot("var n = 0; E.on('init', function () { n++; print('init ' + n); });");
      await sim.waitFor("init 1", 500);
      sim.type("save()");
      await sim.waitFor("init 2", 500);
      assert.equal(sim.saveCalls, 1);
    });
  });

  describe("console as a terminal (terminal: true, as npm start runs it)", () => {
    it("echoes typed lines, prompts with > (: on a continued line), and answers", async () => {
      sim = await boot("", { terminal: true });
      await sim.waitFor(/^>$/, 500);
      sim.type("6*7");
      await sim.waitFor(/^6\*7\n=42\n>$/, 500);
      sim.type("if (1) {");
      sim.type("1 }");
      await sim.waitFor(/^if \(1\) \{\n:1 \}\n=1\n>$/, 500);
    });

    it("takes the prompt and the half-typed line away for other output and puts them back", async () => {
      sim = await boot("function later() { setTimeout(function () { print('news'); }, 30); }", { terminal: true });
      sim.type("later()");
      await sim.waitFor("=undefined\n>", 500);
      sim.typeRaw("1+");
      await sim.waitFor(/^1\+$/, 500);
      await sim.waitFor(/^\r\x1b\[Jnews\n>1\+$/, 500);
    });

    it("Ctrl-C drops the line, backspace rubs out, a \\x10 line is neither echoed nor answered", async () => {
      sim = await boot("", { terminal: true });
      await sim.waitFor(">", 500);
      sim.typeRaw("12\x7f");
      await sim.waitFor("12\b \b", 500);
      sim.typeRaw("\x03");
      await sim.waitFor(/^\r\x1b\[J>$/, 500);
      const mark = sim.mark();
      sim.typeRaw("\x10print(7*6)\r");
      await sim.waitFor("42", 500);
      assert.equal(sim.since(mark), "42\n", "no echo, no =undefined, the prompt stays");
    });

    it("off by default: output is only what the firmware printed", async () => {
      sim = await boot("");
      sim.type("6*7");
      await sim.waitFor("=42\n", 500);
      await sleep(10);
      assert.equal(sim.output, "=42\n");
    });
  });

  describe("observers (the web page's board panel)", () => {
    it("hear pin events, Serial1 output and the access point, until stopped", async () => {
      sim = await boot("");
      const pins: string[] = [];
      const out: string[] = [];
      const ap: boolean[] = [];
      const stopPins = sim.pins.observe((pin, e) => e.kind !== "boot" && pins.push(`${pin} ${e.kind} ${e.level}`));
      const stopOut = sim.onOutput((t) => out.push(t));
      sim.wifi.upListeners.push((up) => ap.push(up));
      sim.type("digitalWrite(D12, 1)");
      sim.pins.set("D0", false);
      sim.wifi.apDown();
      sim.wifi.apUp();
      assert.deepEqual(pins, ["D12 write true", "D0 drive false"]);
      assert.deepEqual(out, ["=undefined\n"]);
      assert.deepEqual(ap, [false, true]);
      stopPins();
      stopOut();
      sim.type("digitalWrite(D12, 0)");
      assert.equal(pins.length, 2);
      assert.equal(out.length, 1);
    });
  });

  describe("timers", () => {
    it("returns numeric ids; clearTimeout(undefined) throws and clears nothing, as on the board", async () => {
      sim = await boot(
        "var a = setTimeout(function () { print('a'); }, 30); var b = setInterval(function () { print('b'); }, 30);"
      );
      assert.equal(typeof sim.eval("a"), "number");
      assert.equal(sim.timerCount(), 2);
      assert.throws(() => sim.eval("clearTimeout(undefined)"), /clearTimeout\(undefined\) not allowed/);
      assert.throws(() => sim.eval("clearWatch(undefined)"), /clearWatch\(undefined\) not allowed/);
      assert.equal(sim.timerCount(), 2);
      sim.eval("clearTimeout()");
      assert.equal(sim.timerCount(), 0);
      await sleep(80);
      assert.ok(!/\ba\b|\bb\b/.test(sim.output));
    });

    it("clearTimeout() with no argument clears every timer too", async () => {
      sim = await boot("setTimeout(function () {}, 30); setInterval(function () {}, 30);");
      assert.equal(sim.timerCount(), 2);
      sim.eval("clearTimeout()");
      assert.equal(sim.timerCount(), 0);
    });

    it("ignores clearing a timer that already fired, as Espruino does (jswrap_interactive.c)", async () => {
      sim = await boot("var t = setTimeout(function () {}, 1); var u = setTimeout(function () {}, 5000);");
      await sleep(20);
      sim.type("clearTimeout(t)");
      await sim.waitFor("=undefined", 500);
      assert.doesNotMatch(sim.output, /Uncaught/);
      assert.equal(sim.timerCount(), 1);
    });

    it("drops every timer on restart and stop", async () => {
      sim = await boot("setInterval(function () { print('tick'); }, 10);");
      await sim.waitFor("tick", 500);
      await sim.restart();
      assert.equal(sim.timerCount(), 1);
      await sim.stop();
      const len = sim.output.length;
      await sleep(50);
      assert.equal(sim.output.length, len);
    });
  });

  describe("Storage", () => {
    it("persists in the data folder across restarts and new simulators", async () => {
      const dataDir = tempDir();
      sim = await boot("var S = require('Storage');", { dataDir });
      assert.equal(sim.eval("S.writeJSON('cfg', {a: 1})"), true);
      await sim.restart();
      assert.deepEqual(sim.evalJSON("S.readJSON('cfg')"), { a: 1 });
      await sim.stop();
      sim = await boot("var S = require('Storage');", { dataDir });
      assert.deepEqual(sim.evalJSON("S.list()"), ["cfg"]);
      assert.equal(sim.eval("S.read('missing')"), undefined);
    });

    it("cuts names to 28 characters and keeps 8-bit data", async () => {
      sim = await boot("var S = require('Storage');");
      sim.eval("S.write('a-very-long-file-name-of-more-than-28-chars', '\\xff\\x00\\x80')");
      assert.deepEqual(sim.storage.names(), ["a-very-long-file-name-of-mor"]);
      assert.equal(sim.eval("S.read('a-very-long-file-name-of-more-than-28-chars')"), "\xff\x00\x80");
    });

    it("fails the next write on demand, leaving the old file", async () => {
      sim = await boot("var S = require('Storage'); S.write('f', 'old');");
      sim.storage.failNextWrite("throw");
      sim.type("S.write('f', 'new')");
      await sim.waitFor("Uncaught Error: Unable to find or create file", 500);
      sim.storage.failNextWrite("false");
      assert.equal(sim.eval("S.write('f', 'new')"), false);
      assert.equal(sim.storage.get("f"), "old");
      assert.equal(sim.eval("S.write('f', 'new')"), true);
    });

    it("loses the file and kills the board when power is cut mid-write", async () => {
      sim = await boot(
        "var S = require('Storage'); S.write('f', 'old'); setInterval(function () { print('alive'); }, 5);" +
          " function save2() { try { S.write('f', 'new'); } catch (e) {} print('after write'); }"
      );
      await sim.waitFor("alive", 500);
      sim.storage.powerCutDuringNextWrite();
      sim.type("save2()");
      assert.equal(sim.dead, true);
      const len = sim.output.length;
      await sleep(30);
      assert.equal(sim.output.length, len, "nothing runs after the power cut");
      assert.ok(!/after write/.test(sim.output));
      assert.equal(sim.storage.get("f"), undefined);
      await sim.restart();
      assert.equal(sim.dead, false);
      await sim.waitFor("alive", 500);
    });

    it("corrupts a stored file so readJSON fails", async () => {
      sim = await boot("var S = require('Storage'); S.writeJSON('cfg', {ssid: 'x'});");
      sim.storage.corrupt("cfg", { at: 0 });
      assert.equal(sim.eval("S.readJSON('cfg', true)"), undefined);
      sim.type("S.readJSON('cfg')");
      await sim.waitFor(/Uncaught SyntaxError/, 500);
    });
  });

  describe("Wifi", () => {
    const AP = { ssid: "home", password: "secret-pw" };
    const code =
      "var W = require('Wifi');" +
      " W.on('connected', function (d) { print('connected ' + d.ip + ' ' + d.mask + ' ' + d.gw); });" +
      " W.on('disconnected', function (d) { print('disconnected ' + d.reason); });" +
      " function join(s, p) { W.connect(s, {password: p}, function (err) { print('cb ' + err + ' ' + W.getStatus().station); }); }";

    it("joins only with the right SSID and password", async () => {
      sim = await boot(code, { ap: AP });
      sim.type("join('home', 'wrong-pw')");
      await sim.waitFor("cb bad_password bad_password", 1000);
      sim.type("join('other', 'secret-pw')");
      await sim.waitFor("cb no_ap_found no_ap_found", 1000);
      sim.type("join('home', 'secret-pw')");
      await sim.waitFor("connected 192.168.1.42 255.255.255.0 192.168.1.1", 1000);
      await sim.waitFor("cb null connected", 1000);
      assert.equal(sim.eval("W.getIP().ip"), "192.168.1.42");
      assert.equal(sim.wifi.calls.filter((c) => c.startsWith("connect ")).length, 3);
      assert.equal(sim.wifi.saveCalls, 0);
    });

    it("reports the AP going away and rejoins when it is back", async () => {
      sim = await boot(code, { ap: AP });
      sim.type("join('home', 'secret-pw')");
      await sim.waitFor("cb null connected", 1000);
      sim.wifi.apDown();
      await sim.waitFor("disconnected beacon_timeout", 500);
      await sim.waitFor("disconnected no_ap_found", 500);
      assert.equal(sim.eval("W.getStatus().station"), "no_ap_found");
      sim.wifi.apUp();
      await sim.waitFor("connected 192.168.1.42", 1000);
      assert.equal(sim.eval("W.getStatus().station"), "connected");
    });

    it("counts Wifi.save() so tests can forbid it", async () => {
      sim = await boot(code + " W.save();", { ap: AP });
      assert.equal(sim.wifi.saveCalls, 1);
    });
  });

  describe("net", () => {
    let server: Server;
    let port: number;
    let received: Buffer[];
    beforeEach(async () => {
      received = [];
      server = createServer((s) => {
        s.on("data", (d) => {
          received.push(d);
          s.write(d);
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      port = (server.address() as any).port;
    });
    afterEach(() => new Promise<void>((r) => server.close(() => r())));

    const online =
      "var W = require('Wifi'), net = require('net'), got = '';" +
      " function go(port) { var s = net.connect({host: '127.0.0.1', port: port}, function () { print('open'); var all = ''; for (var i = 0; i < 256; i++) all += String.fromCharCode(i); s.write(all); });" +
      " s.on('data', function (d) { got += d; if (got.length >= 256) { print('echo ' + got.length + ' ' + (got.charCodeAt(255))); s.end(); } });" +
      " s.on('error', function (e) { print('error ' + e.message); }); s.on('close', function () { print('close'); }); }";

    it("carries 8-bit strings over real TCP", async () => {
      sim = await boot(online);
      sim.type("W.connect('lightnode-sim', {password: 'correct horse'}, function () { go(" + port + "); })");
      await sim.waitFor("open", 2000);
      await sim.waitFor("echo 256 255", 2000);
      await sim.waitFor("close", 2000);
      const bytes = Buffer.concat(received);
      assert.equal(bytes.length, 256);
      assert.equal(bytes[200], 200);
    });

    it("reports a refused connection asynchronously: error, then close", async () => {
      sim = await boot(online);
      sim.type("W.connect('lightnode-sim', {password: 'correct horse'}, function () { go(1); })");
      await sim.waitFor(/error connection refused\nclose/, 2000);
    });

    it("fails connect() without a Wi-Fi link", async () => {
      sim = await boot(online);
      sim.type("go(" + port + ")");
      await sim.waitFor(/error not connected\nclose/, 2000);
      assert.equal(received.length, 0);
    });
  });

  describe("pins", () => {
    it("records writes per pin across boots", async () => {
      sim = await boot("digitalWrite(D12, 0); digitalWrite('D12', 1); D13.write(true); pinMode(D0, 'input_pullup');");
      assert.deepEqual(sim.pins.writes("D12"), [false, true]);
      assert.equal(sim.pins.level(D("D12")), true);
      assert.equal(sim.pins.level("D0"), true, "pull-up");
      await sim.restart();
      assert.deepEqual(sim.pins.writes("D12", 2), [false, true]);
      assert.equal(sim.pins.currentBoot(), 2);
      assert.equal(sim.eval("digitalRead(D13)"), 1);
    });

    it("debounces a bouncing button into one event per press", async () => {
      sim = await boot(
        "pinMode(D0, 'input_pullup'); setWatch(function (e) { print('edge ' + e.state); }, D0, {repeat: true, edge: 'both', debounce: 20});"
      );
      sim.pins.set("D0", true);
      await sim.pins.press("D0", { bounces: 4, gapMs: 2 });
      await sim.waitFor("edge false", 500);
      await sim.pins.release("D0");
      await sim.waitFor("edge true", 500);
      assert.equal(sim.output.match(/edge/g)!.length, 2);
    });

    it("fires every edge without debounce, once without repeat", async () => {
      sim = await boot("setWatch(function (e) { print('w ' + e.state); }, 'D5', {edge: 'rising'});");
      sim.pins.set("D5", true);
      sim.pins.set("D5", false);
      sim.pins.set("D5", true);
      await sim.waitFor("w true", 500);
      await sleep(20);
      assert.equal(sim.output.match(/w true/g)!.length, 1);
      assert.equal(sim.pins.watchCount("D5"), 0);
    });

    it("refuses unknown pins", async () => {
      sim = await boot("");
      sim.type("digitalWrite('D99', 1)");
      await sim.waitFor(/Uncaught Error: Invalid pin: D99/, 500);
    });
  });
});

// Pin names are plain strings on the test side.
function D(name: string): string {
  return name;
}
