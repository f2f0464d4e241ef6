import { utf8Json, utf8Valid } from "../../src/mqtt/utf8";
import { strict as assert } from "node:assert";
import sinon from "sinon";
import { espruinoTimers } from "../support/espruino-timers";
import { wizardStart, wizardInput, MAX_LINE, Serial, ConsoleDeps } from "../../src/console/commands";
import { Config } from "../../src/config";
import { ASKED_FIELDS } from "../../src/config.table";
import { runCommand } from "../../src/console/commands";
import { configStore } from "../../src/store/config-store";
import { openRecord } from "../../src/store/record";
import { In, NetState } from "../../src/conn/types";
import { flashStorage, crc } from "../support/ports";

const PW = "wifi-secret-99";
const MPW = "mqtt-secret-77";

// The serial line as the wizard sees it: what was written, and whether it is held. Its methods
// are plain functions, as the Serial contract says (the wizard calls write without `this`).
class FakeSerial implements Serial {
  out = "";
  held = false;
  fn?: (d: string) => void;
  grab = (fn: (d: string) => void) => {
    this.held = true;
    this.fn = fn;
  };
  write = (s: string) => {
    this.out += s;
  };
  release = () => {
    this.held = false;
    this.fn = undefined;
  };
  type(s: string) {
    if (this.fn) this.fn(s);
  }
}

// A valid configuration for setup() to start from: an empty answer keeps its value.
const CUR = {
  ssid: "home",
  password: PW,
  broker: "b",
  port: 1883,
  id: "lightnode-1",
  user: "",
  pass: "",
  topic: "t",
  keepalive: 30,
  telnet: false,
  mode: "toggle",
  power: "last",
  retained: false,
  discovery: true
} as Config;

// Types chunks into setup(), then empty answers for any remaining question; returns what the
// wizard wrote and the answers it completed with (undefined when abandoned).
function typeInto(...chunks: string[]) {
  const serial = new FakeSerial();
  let answers: any;
  serial.grab((chunk) => {
    wizardInput(w, serial, chunk, utf8Valid);
    if (!w.k && w.i >= ASKED_FIELDS) answers = w.editing;
  });
  const w = wizardStart(serial, Object.assign({}, CUR));
  for (const c of chunks) serial.type(c);
  serial.type("\r".repeat(7));
  return { answers, out: serial.out, held: serial.held };
}

describe("console/wizard: line input", function () {
  it("splits on CR, LF and CRLF across chunk borders", function () {
    const r = typeInto("ne", "t1\r", "\n12345678\nmq.local\r");
    assert.deepEqual(
      [r.answers.ssid, r.answers.password, r.answers.broker, r.answers.port],
      ["net1", "12345678", "mq.local", 1883]
    );
  });
  it("edits with backspace and DEL", function () {
    const r = typeInto("abx\x7fc\b\bz\r");
    assert.equal(r.answers.ssid, "az");
    assert.ok(r.out.includes("\b \b"));
  });
  it("keeps quotes and unicode bytes as typed", function () {
    assert.equal(typeInto('it\'s "q" caf\xc3\xa9\r').answers.ssid, 'it\'s "q" caf\xc3\xa9');
  });
  it("refuses a very long line whole and recovers", function () {
    const r = typeInto("x".repeat(5000) + "\rok\r");
    assert.match(r.out, /ssid \[home\]: x+\r\nerror: line too long\r\nssid \[home\]: ok\r\n/);
    assert.equal(r.answers.ssid, "ok");
    assert.equal((r.out.match(/x/g) || []).length, MAX_LINE);
  });
  it("refuses control characters and escape sequences, without echoing them", function () {
    const r = typeInto("a\tb\r", "\x1b[A\r", "ok\r");
    assert.equal((r.out.match(/error: control chars\r\n/g) || []).length, 2);
    assert.equal(r.answers.ssid, "ok");
    assert.ok(!/[\t\x1b]/.test(r.out));
  });
  it("abandons on Ctrl-C, on Esc pressed alone, and on the espruino CLI's DLE prefix", function () {
    for (const chunk of ["abc\x03", "abc\x1b", "\x10reset()\n"]) {
      const r = typeInto(chunk);
      assert.equal(r.answers, undefined);
      assert.ok(!r.held);
      assert.match(r.out, /setup abandoned/);
    }
  });
});

// The connection's state with an entry that records the inputs the console sends (the console is
// under test here).
function fakeNet() {
  const calls: string[] = [];
  const r = {
    drops: 2,
    lastError: "wifi: no_ap_found",
    nodeState: "Disconnected",
    input: (i: In, c?: Config) => {
      if (i == In.CONFIG) calls.push(c ? "set " + c.ssid + " " + c.broker : "set none");
      else if (i == In.CONNECT) calls.push("connect");
      else calls.push("input " + i);
    }
  } as NetState;
  return { r, calls };
}

let clock: sinon.SinonFakeTimers;
function fakeClock(this: Mocha.Suite) {
  beforeEach(() => (clock = espruinoTimers(sinon)));
  afterEach(() => clock.restore());
}

function rig() {
  const { storage, flash } = flashStorage();
  const store = configStore(
    openRecord(storage, "cfg", 1, crc, () => {}),
    "aabbccdd-eeff",
    () => {},
    utf8Valid
  );
  const lines: string[] = [];
  const serial = new FakeSerial();
  const { r, calls } = fakeNet();
  const telnet: boolean[] = [];
  const info = () => ({ ip: "10.0.0.9", rssi: -55, free: 1234, uptime: 61, reconnects: 2 });
  const deps: ConsoleDeps = {
    net: r,
    print: (l) => lines.push(l),
    info,
    config: store.load(),
    command: (name, arg) => runCommand(deps, () => store, devices, name, arg),
    isUtf8: utf8Valid,
    json: utf8Json
  };
  const devices = { serial: () => serial, setTelnet: (on: boolean) => void telnet.push(on) };
  // Each command by name, as the console's file runs it.
  const cmds: any = {};
  for (const name of ["config", "setup", "keys", "status", "forget", "help"])
    cmds[name] = (arg?: any) => deps.command(name, arg);
  // The console applies a saved configuration from a timer (after the command returned), and
  // setup()'s answers are saved by a run of their own, from a timer: reading the calls first, or
  // settle(), lets those timers run.
  return {
    storage,
    flash,
    store,
    lines,
    serial,
    telnet,
    cmds,
    settle: () => clock.tick(1),
    get calls() {
      clock.tick(1);
      return calls;
    }
  };
}

function noSecret(text: string) {
  assert.ok(!text.includes(PW) && !text.includes(MPW), "password leaked: " + text);
}

describe("console/commands", function () {
  fakeClock.call(this);
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

  it("config() hides the update key when set, and says it is empty when not", function () {
    const t = rig();
    const KEY = "update-key-0123456789abcd";
    t.cmds.config({ ssid: "home", password: PW, broker: "10.0.0.2" });
    t.cmds.config();
    assert.equal(JSON.parse(t.lines[1]).key, "");
    t.cmds.config({ key: KEY });
    t.cmds.config();
    assert.equal(JSON.parse(t.lines[3]).key, "***");
    assert.equal(t.store.load()!.key, KEY);
    assert.ok(!t.lines.join("\n").includes(KEY), "the key is never printed");
    t.cmds.config({ key: "short" });
    assert.match(t.lines[4], /^error: key: /);
  });

  it("is atomic: one bad field saves nothing, and the error names field and rule", function () {
    const t = rig();
    t.cmds.config({ ssid: "home", password: PW, broker: "10.0.0.2" });
    const writes = t.flash.writes;
    t.cmds.config({ ssid: "new", port: 70000 });
    assert.equal(t.lines[1], "error: port: integer 1-65535 (nothing saved)");
    t.cmds.config({ ssid: "new", colour: "red" });
    assert.equal(t.lines[2], "error: colour: unknown field (nothing saved)");
    t.cmds.config({ password: "short" + PW.slice(0, 0) + "\n" });
    assert.match(t.lines[3], /^error: password: /);
    t.cmds.config("ssid=x" as any);
    assert.equal(t.lines[4], "error: use config({...}) (nothing saved)");
    assert.equal(t.flash.writes, writes);
    assert.equal(t.store.load()!.ssid, "home");
    assert.deepEqual(t.calls, ["set home 10.0.0.2"]);
  });

  it("a partial config on a fresh board says what is missing", function () {
    const t = rig();
    t.cmds.config({ ssid: "home" });
    assert.equal(t.lines[0], "error: broker: missing (nothing saved)");
    t.cmds.config({ broker: "127.0.0.1", port: 1884 });
    assert.equal(t.lines[1], "error: ssid: missing (nothing saved)");
  });

  it("refuses an array as the configuration", function () {
    const t = rig();
    t.cmds.config([] as any);
    assert.equal(t.lines[0], "error: use config({...}) (nothing saved)");
    assert.deepEqual(t.calls, []);
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

  // offline() and connect() are not the console's: the firmware gives them to the connection
  // (src/main.ts; test/e2e/console.test.ts runs them), and help() lists them.
  it("status(), forget(), help()", function () {
    const t = rig();
    t.cmds.config({ ssid: "home", password: PW, broker: "b" });
    assert.deepEqual(t.calls, ["set home b"]);
    t.cmds.status();
    assert.equal(
      t.lines[1],
      '{"state":"Disconnected","ssid":"home","broker":"b","port":1883,"error":"wifi: no_ap_found","ip":"10.0.0.9","rssi":-55,"free":1234,"uptime":61,"reconnects":2}'
    );
    t.cmds.forget();
    assert.deepEqual(t.calls, ["set home b", "set none"]);
    assert.equal(t.store.load(), undefined);
    assert.deepEqual(t.storage.list(), []);
    t.cmds.help();
    // Issue 20: help() listed names only. A line per command, and the fields.
    const help = t.lines[t.lines.length - 1].split("\n");
    for (const c of ["setup()", "config({", "config()", "status()", "offline()", "connect()", "forget()"])
      assert.ok(
        help.some((l) => l.startsWith(c) && /: \w/.test(l)),
        c + " in " + help.join(" | ")
      );
    assert.match(
      help.join("\n"),
      /ssid,password,broker,port,id,user,pass,topic,keepalive,telnet,mode,power,retained,discovery/
    );
  });

  // Issue 20: config({}) said "saved", and wrote flash.
  it("config() with nothing new says so and writes nothing", function () {
    const t = rig();
    t.cmds.config({ ssid: "home", password: PW, broker: "b" });
    const writes = t.flash.writes;
    t.cmds.config({});
    t.cmds.config({ ssid: "home", port: 1883 });
    assert.deepEqual(t.lines, ["saved", "unchanged", "unchanged"]);
    assert.equal(t.flash.writes, writes);
    assert.deepEqual(t.calls, ["set home b"]);
    // A fresh board has nothing to keep: its defaults are not a configuration.
    const fresh = rig();
    fresh.cmds.config({});
    assert.equal(fresh.lines[0], "error: ssid: missing (nothing saved)");
  });
});

describe("console/wizard (setup)", function () {
  fakeClock.call(this);
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
    t.settle();
    assert.ok(!t.serial.held);
    assert.match(t.serial.out, /error: broker: host name or IPv4\r\n/);
    assert.match(t.serial.out, /error: port: integer 1-65535/);
    assert.match(t.serial.out, /\nid \[lightnode-ddeeff\]: \r\nuser \[\]: /);
    noSecret(t.serial.out + t.lines.join("\n"));
    const c = t.store.load()!;
    assert.deepEqual(
      [c.ssid, c.password, c.broker, c.port, c.id, c.user, c.pass],
      ["home", PW, "mqtt.local", 1884, "lightnode-ddeeff", "bob", MPW]
    );
    assert.deepEqual(t.lines, ["saved"]);
    assert.deepEqual(t.calls, ["set home mqtt.local", "connect"]);
  });

  // Issue 20: "Enter: keep", but Enter at ssid abandoned, and no question showed the current value.
  it("shows each current value (a password as *** when set) and keeps it on an empty answer", function () {
    const t = rig();
    t.cmds.config({ ssid: "home", password: PW, broker: "b", user: "bob", pass: MPW });
    t.cmds.setup();
    t.serial.type("\r\r\r\r\r\r\r");
    t.settle();
    assert.equal(
      t.serial.out,
      "setup (Enter: keep, Esc: quit)\r\nssid [home]: \r\npassword [***]: \r\nbroker [b]: \r\nport [1883]: \r\n" +
        "id [lightnode-ddeeff]: \r\nuser [bob]: \r\npass [***]: \r\n"
    );
    assert.deepEqual(t.lines, ["saved", "unchanged"]);
    const open = rig();
    open.cmds.setup();
    assert.match(open.serial.out, /ssid \[\]: $/);
    open.serial.type("home\r");
    assert.match(open.serial.out, /password \[\]: $/);
    open.serial.type("\x03");
  });

  it("keeps current values on empty answers, never showing the password", function () {
    const t = rig();
    t.cmds.config({ ssid: "home", password: PW, broker: "b" });
    t.cmds.setup();
    t.serial.type("new\r\r\r\r\r\r\r");
    t.settle();
    assert.match(t.serial.out, /ssid \[home\]: new\r\npassword \[\*\*\*\]: \r\nbroker \[b\]: \r\n/);
    noSecret(t.serial.out);
    const c = t.store.load()!;
    assert.deepEqual([c.ssid, c.password, c.broker, c.port], ["new", PW, "b", 1883]);
    assert.deepEqual(t.calls, ["set home b", "set new b", "connect"]);
  });

  it("an empty answer keeps only a valid value: a fresh board's empty broker is asked again", function () {
    const t = rig();
    t.cmds.setup();
    t.serial.type("home\r\r\r");
    assert.match(t.serial.out, /broker \[\]: \r\nerror: broker: missing\r\nbroker \[\]: $/);
    assert.ok(t.serial.held);
    t.serial.type("\x03");
  });

  it("is abandoned by Ctrl-C or Esc at any question, with or without a config; nothing saved", function () {
    for (const [abandon, configured] of [
      ["home\r\x03", false],
      ["\x1b", false],
      ["\r\r\x1b", true],
      ["\x03", true]
    ] as [string, boolean][]) {
      const t = rig();
      if (configured) t.cmds.config({ ssid: "home", password: PW, broker: "b" });
      const writes = t.flash.writes;
      t.calls.length = 0;
      t.cmds.setup();
      t.serial.type(abandon);
      assert.ok(!t.serial.held, JSON.stringify(abandon));
      assert.match(t.serial.out, /setup abandoned/);
      assert.equal(t.flash.writes, writes);
      assert.deepEqual(t.calls, []);
    }
  });

  it("refuses a port that is not a number", function () {
    const t = rig();
    t.cmds.setup();
    t.serial.type("home\r" + PW + "\rmq\rabc\r");
    assert.match(t.serial.out, /port \[1883\]: abc\r\nerror: port: integer 1-65535\r\nport \[1883\]: $/);
    t.serial.type("\x03");
  });

  it("hostile answers get a clear error and the question again", function () {
    const t = rig();
    t.cmds.setup();
    t.serial.type("x".repeat(300) + "\r");
    t.serial.type("a\x1bb\r");
    t.serial.type("y".repeat(33) + "\r");
    assert.ok(t.serial.held);
    assert.match(t.serial.out, /error: line too long/);
    assert.match(t.serial.out, /error: control chars/);
    assert.match(t.serial.out, /error: ssid: UTF-8 text of 1-32 bytes/);
    assert.equal((t.serial.out.match(/\nssid \[\]: /g) || []).length, 4);
    t.serial.type("\x03");
  });
});
