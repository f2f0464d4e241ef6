import { strict as assert } from "node:assert";
import sinon from "sinon";
import { lineReader, MAX_LINE } from "../../src/console/line";
import { wizard, Serial, IDLE } from "../../src/console/wizard";
import { commands } from "../../src/console/commands";
import { configStore } from "../../src/store/config-store";
import { Runner } from "../../src/conn/runner";
import { FakeStorage, crc } from "../store/fake-storage";

const PW = "wifi-secret-99";
const MPW = "mqtt-secret-77";

// Collects what lineReader reports for a sequence of chunks.
function read(...chunks: string[]) {
  const out: string[] = [];
  let echo = "";
  const feed = lineReader((s) => (echo += s), (err, line) => out.push(err ? "ERR " + err : "OK " + line));
  for (const c of chunks) feed(c);
  return { out, echo };
}

describe("console/line", function () {
  it("splits on CR, LF and CRLF across chunk borders", function () {
    assert.deepEqual(read("ab", "c\r", "\nde\nf\r").out, ["OK abc", "OK de", "OK f"]);
  });
  it("edits with backspace and DEL", function () {
    assert.deepEqual(read("abx\x7fc\b\bz\r").out, ["OK az"]);
  });
  it("keeps quotes and unicode bytes as typed", function () {
    assert.deepEqual(read("it's \"q\" caf\xc3\xa9\r").out, ["OK it's \"q\" caf\xc3\xa9"]);
  });
  it("refuses a very long line whole and recovers", function () {
    const r = read("x".repeat(5000) + "\rok\r");
    assert.deepEqual(r.out, [`ERR line too long (max ${MAX_LINE})`, "OK ok"]);
    assert.ok(r.echo.length < MAX_LINE + 10);
  });
  it("refuses control characters and escape sequences", function () {
    assert.deepEqual(read("a\tb\r", "\x1b[A\r", "ok\r").out, [
      "ERR control characters not allowed",
      "ERR control characters not allowed",
      "OK ok"
    ]);
  });
  it("abandons on Ctrl-C and on the espruino CLI's DLE prefix", function () {
    assert.deepEqual(read("abc\x03").out, ["ERR abort"]);
    assert.deepEqual(read("\x10reset()\n").out, ["ERR abort"]);
  });
});

// The serial line as the wizard sees it: what was written, and whether it is held.
class FakeSerial implements Serial {
  out = "";
  held = false;
  fn?: (d: string) => void;
  grab(fn: (d: string) => void) {
    this.held = true;
    this.fn = fn;
  }
  write(s: string) {
    this.out += s;
  }
  release() {
    this.held = false;
    this.fn = undefined;
  }
  type(s: string) {
    if (this.fn) this.fn(s);
  }
}

// A runner stand-in that records the calls the console makes (the console is under test here).
function fakeRunner() {
  const calls: string[] = [];
  const r: Runner = {
    drops: 2,
    error: "wifi: no_ap_found",
    start: () => {},
    setConfig: (c) => void calls.push(c ? "set " + c.ssid + " " + c.broker : "set none"),
    offline: () => void calls.push("offline"),
    connect: () => void calls.push("connect"),
    state: () => "Disconnected"
  };
  return { r, calls };
}

function rig() {
  const storage = new FakeStorage();
  const store = configStore(storage, crc, "aabbccdd-eeff", () => {});
  const lines: string[] = [];
  const serial = new FakeSerial();
  const { r, calls } = fakeRunner();
  const telnet: boolean[] = [];
  const wifi: any = { ip: () => "10.0.0.9", rssi: () => -55 };
  const cmds = commands(
    { store, runner: r, wifi, print: (l) => lines.push(l), serial, telnet: (on) => telnet.push(on), free: () => 1234, uptime: () => 61000 },
    store.load()
  );
  return { storage, store, lines, serial, calls, telnet, cmds };
}

function noSecret(text: string) {
  assert.ok(!text.includes(PW) && !text.includes(MPW), "password leaked: " + text);
}

describe("console/commands", function () {
  it("config({...}) validates all, saves, applies; config() masks passwords", function () {
    const t = rig();
    t.cmds.config({ ssid: "home", password: PW, broker: "10.0.0.2", user: "u", pass: MPW });
    assert.deepEqual(t.lines, ["saved"]);
    assert.deepEqual(t.calls, ["set home 10.0.0.2"]);
    assert.equal(t.store.load()!.password, PW);
    t.cmds.config();
    const shown = JSON.parse(t.lines[1]);
    assert.equal(shown.password, "***");
    assert.equal(shown.pass, "***");
    assert.equal(shown.port, 1883);
    assert.equal(shown.id, "lightnode-ddeeff");
    noSecret(t.lines.join("\n"));
  });

  it("is atomic: one bad field saves nothing, and the error names field and rule", function () {
    const t = rig();
    t.cmds.config({ ssid: "home", password: PW, broker: "10.0.0.2" });
    const writes = t.storage.writes;
    t.cmds.config({ ssid: "new", port: 70000 });
    assert.equal(t.lines[1], "error: port: integer 1-65535 (nothing saved)");
    t.cmds.config({ ssid: "new", colour: "red" });
    assert.equal(t.lines[2], "error: colour: unknown field (nothing saved)");
    t.cmds.config({ password: "short" + PW.slice(0, 0) + "\n" });
    assert.match(t.lines[3], /^error: password: /);
    t.cmds.config("ssid=x" as any);
    assert.match(t.lines[4], /^error: config: /);
    assert.equal(t.storage.writes, writes);
    assert.equal(t.store.load()!.ssid, "home");
    assert.deepEqual(t.calls, ["set home 10.0.0.2"]);
  });

  it("a partial config on a fresh board says what is missing", function () {
    const t = rig();
    t.cmds.config({ ssid: "home" });
    assert.equal(t.lines[0], "error: broker: host name or IPv4 address (nothing saved)");
  });

  it("turns telnet on only when asked, with a warning", function () {
    const t = rig();
    t.cmds.config({ ssid: "home", password: PW, broker: "b" });
    assert.deepEqual(t.telnet, []);
    t.cmds.config({ telnet: true });
    assert.deepEqual(t.telnet, [true]);
    assert.match(t.lines[2], /^warning: telnet on/);
    t.cmds.config({ telnet: false });
    assert.deepEqual(t.telnet, [true, false]);
  });

  it("status(), offline(), connect(), forget(), help()", function () {
    const t = rig();
    t.cmds.config({ ssid: "home", password: PW, broker: "b" });
    t.cmds.status();
    assert.equal(
      t.lines[1],
      "state: Disconnected, ssid: home, ip: 10.0.0.9, rssi: -55, broker: b:1883, uptime: 61s, drops: 2, error: wifi: no_ap_found, free: 1234"
    );
    t.cmds.offline();
    t.cmds.connect();
    t.cmds.forget();
    assert.deepEqual(t.calls.slice(1), ["offline", "connect", "set none"]);
    assert.equal(t.store.load(), undefined);
    assert.deepEqual(t.storage.list(), []);
    t.cmds.help();
    assert.match(t.lines[t.lines.length - 1], /setup\(\).*config\(/);
  });
});

describe("console/wizard (setup)", function () {
  it("asks each field, re-asks a bad answer, never echoes the password, saves and connects", function () {
    const t = rig();
    t.cmds.setup();
    assert.ok(t.serial.held);
    t.serial.type("home\r");
    t.serial.type(PW + "\r");
    t.serial.type("not a host!\r");
    t.serial.type("mqtt.local\r");
    t.serial.type("99999\r");
    t.serial.type("1884\r");
    t.serial.type("\r"); // id: keep default
    t.serial.type("bob\r");
    t.serial.type(MPW + "\r");
    assert.ok(!t.serial.held);
    assert.match(t.serial.out, /error: broker: host name or IPv4 address/);
    assert.match(t.serial.out, /error: port: integer 1-65535/);
    assert.match(t.serial.out, /id \[lightnode-ddeeff\]: /);
    noSecret(t.serial.out + t.lines.join("\n"));
    const c = t.store.load()!;
    assert.deepEqual([c.ssid, c.password, c.broker, c.port, c.id, c.user, c.pass], ["home", PW, "mqtt.local", 1884, "lightnode-ddeeff", "bob", MPW]);
    assert.deepEqual(t.lines, ["saved"]);
    assert.deepEqual(t.calls, ["set home mqtt.local", "connect"]);
  });

  it("shows current values, masks the password, keeps values on empty answers", function () {
    const t = rig();
    t.cmds.config({ ssid: "home", password: PW, broker: "b" });
    t.cmds.setup();
    t.serial.type("\r\r\r\r\r\r\r");
    assert.match(t.serial.out, /ssid \[home\]: /);
    assert.match(t.serial.out, /password \[\*\*\*\]: /);
    noSecret(t.serial.out);
    assert.equal(t.store.load()!.password, PW);
    assert.deepEqual(t.calls, ["set home b", "set home b", "connect"]);
  });

  it("is abandoned by Ctrl-C, by an empty required answer, or by silence; nothing saved", function () {
    const clock = sinon.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      for (const abandon of ["home\r\x03", "\r", ""]) {
        const t = rig();
        t.cmds.setup();
        t.serial.type(abandon);
        if (!abandon) clock.tick(IDLE);
        assert.ok(!t.serial.held, JSON.stringify(abandon));
        assert.match(t.serial.out, /setup abandoned/);
        assert.equal(t.storage.writes, 0);
        assert.deepEqual(t.calls, []);
      }
    } finally {
      clock.restore();
    }
  });

  it("hostile answers get a clear error and the question again", function () {
    const t = rig();
    t.cmds.setup();
    t.serial.type("x".repeat(300) + "\r");
    t.serial.type("a\x1bb\r");
    t.serial.type("y".repeat(33) + "\r");
    assert.ok(t.serial.held);
    assert.match(t.serial.out, /error: line too long/);
    assert.match(t.serial.out, /error: control characters not allowed/);
    assert.match(t.serial.out, /error: ssid: 1-32 chars/);
    assert.equal((t.serial.out.match(/\nssid: /g) || []).length, 4);
    t.serial.type("\x03");
  });
});
