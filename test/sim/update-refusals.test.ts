// What an update must not do, on the simulated 4 MB node (build/storage-4mb booted from .bootcde,
// as `npm start` runs it) against aedes: an older version, a tampered chunk and a transfer cut
// short are refused or dropped and the old set keeps running; a signed set whose boot code throws
// is rolled back at once; boots that never reach the broker end in safe mode, which normal() leaves.
import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mqtt from "mqtt";
import { Simulator } from "../../sim/simulator";
import { startAedes, RunningBroker } from "../support/brokers";
import { bringUp } from "../support/node";
import { buildSet, runOta } from "../support/ota";
import { begin, chunks, manifest } from "../../scripts/ota-image.mjs";

const BASE = "living_room_lights";
const KEY = "cmVmdXNhbHMtdGVzdC1rZXktMDE";
const LAYOUT = path.resolve("build", "storage-4mb");
const OLD = require("../../package.json").version;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("simulator: updates refused, rolled back, and safe mode (4 MB layout)", function () {
  this.timeout(120000);
  let broker: RunningBroker;
  let sim: Simulator;
  let phone: mqtt.MqttClient;
  let heard: Array<[string, string]>;
  let dir: string;
  let keyFile: string;
  let older: string;
  let newer: string;

  // The first update state since `from` (an index of `heard`) matching `re`.
  async function state(from: number, re: RegExp, ms = 20000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const got = heard.slice(from).find(([t, p]) => t === BASE + "/ota/state" && re.test(p));
      if (got) return got[1];
      if (Date.now() > end) throw new Error(`no update state ${re}: ${JSON.stringify(heard.slice(from))}`);
      await sleep(5);
    }
  }

  // The node's answer on <base>/ota/ack to the next message sent on <base>/ota.
  async function send(payload: Buffer): Promise<string> {
    const from = heard.length;
    await phone.publishAsync(BASE + "/ota", payload, { qos: 1 });
    const end = Date.now() + 10000;
    for (;;) {
      const got = heard.slice(from).find(([t]) => t === BASE + "/ota/ack");
      if (got) return got[1];
      if (Date.now() > end) throw new Error("no acknowledgement");
      await sleep(2);
    }
  }

  function files(folder: string) {
    return readdirSync(folder)
      .sort((a, b) => (a.endsWith(".boot") ? 1 : 0) - (b.endsWith(".boot") ? 1 : 0) || a.localeCompare(b))
      .map((name) => ({ name, data: readFileSync(path.join(folder, name)) }));
  }

  // The version of the last boot, from its banner.
  const booted = () => {
    const all = sim.output.match(/lightnode (\d+\.\d+\.\d+)/g) || [];
    return all.length ? all[all.length - 1].slice(10) : "none";
  };

  before(function () {
    dir = mkdtempSync(path.join(tmpdir(), "lightnode-refusals-"));
    keyFile = path.join(dir, "key");
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    older = buildSet(dir, "b", "0.0.1");
    newer = buildSet(dir, "b", "9.0.0");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    broker = await startAedes();
    phone = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    heard = [];
    phone.on("message", (t, p) => heard.push([t, p.toString("latin1")]));
    await phone.subscribeAsync(BASE + "/#", { qos: 1 });
    sim = await Simulator.start({ layout: LAYOUT });
    await bringUp(sim, broker, `key:"${KEY}"`);
    // The receiver's own run at ACTIVE (100 ms on).
    await sleep(300);
  });
  afterEach(async () => {
    await sim.stop();
    await phone.endAsync();
    await broker.close();
  });

  it("an older version is refused (the tool says why and fails); set a keeps running", async () => {
    const r = await runOta(broker.url, ["--key-file", keyFile, "--dir", older, "--timeout", "20"], "0.0.1").exit;
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`refused: older version 0\\.0\\.1 than ${OLD.replace(/\./g, "\\.")}`));
    assert.ok(!sim.storage.get("ln.b.boot"), "nothing staged");
    await sim.restart();
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
    assert.equal(booted(), OLD);
  });

  it("a tampered chunk is refused at the check: nothing switches, and set a boots again", async () => {
    const set = files(newer);
    const text = manifest({ version: "9.0.0", set: "b", from: OLD, force: false, files: set });
    set[0].data = Buffer.from(set[0].data);
    set[0].data[10] ^= 1;
    const from = heard.length;
    assert.equal(await send(begin(KEY, text)), "0");
    for (const c of chunks(set, 256)) assert.equal(await send(c.payload), String(c.end));
    assert.equal(await state(from, /^refused/), `refused: ${set[0].name} does not match its digest`);
    await sim.restart();
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
    assert.doesNotMatch(sim.output, /\[boot\] trying/);
    assert.equal(booted(), OLD);
  });

  it("a transfer cut short (the sender gone, then a power cycle) leaves set a running, and the next update installs", async () => {
    const set = files(newer);
    const text = manifest({ version: "9.0.0", set: "b", from: OLD, force: false, files: set });
    assert.equal(await send(begin(KEY, text)), "0");
    const parts = chunks(set, 64);
    for (const c of parts.slice(0, 30)) assert.equal(await send(c.payload), String(c.end));
    await sim.restart();
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
    assert.equal(booted(), OLD);
    // A chunk of the old transfer after the restart: the node asks for a new start.
    await sleep(300);
    assert.equal(await send(parts[30].payload), "restart");
    const r = await runOta(broker.url, ["--key-file", keyFile, "--dir", newer, "--timeout", "30"], "9.0.0").exit;
    assert.equal(r.code, 0, r.out);
    await sim.waitFor(/lightnode 9\.0\.0[^]*-> Active/, 15000);
  });

  it("a signed set whose boot code throws is rolled back at once, and the tool says so", async () => {
    const broken = path.join(dir, "broken");
    mkdirSync(broken, { recursive: true });
    for (const f of readdirSync(newer)) copyFileSync(path.join(newer, f), path.join(broken, f));
    writeFileSync(
      path.join(broken, "ln.b.boot"),
      Buffer.concat([Buffer.from('throw new Error("set b is broken");\n'), readFileSync(path.join(newer, "ln.b.boot"))])
    );
    const from = heard.length;
    const r = await runOta(broker.url, ["--key-file", keyFile, "--dir", broken, "--timeout", "30"], "9.0.0").exit;
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /rolled back/);
    assert.match(sim.output, /\[boot\] rolled back: b failed at boot: .*set b is broken/);
    assert.match(await state(from, /^rolled back/), /set b is broken/);
    assert.equal(booted(), OLD);
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
  });

  it("5 boots in a row without reaching the broker give safe mode (said on the console and <base>/status); normal() leaves it", async () => {
    sim.wifi.apDown();
    for (let n = 0; n < 5; n++) {
      await sim.restart();
      await sim.waitFor(/lightnode|safe mode/, 5000);
    }
    await sim.restart();
    await sim.waitFor(/\[boot\] safe mode: 5 boots without confirmation/, 5000);
    const from = heard.length;
    sim.wifi.apUp();
    await sim.waitFor(/safe mode: connected to the broker/, 20000);
    const end = Date.now() + 5000;
    while (!heard.slice(from).some(([t, p]) => t === BASE + "/status" && p === "safe mode") && Date.now() < end)
      await sleep(10);
    assert.ok(
      heard.some(([t, p]) => t === BASE + "/status" && p === "safe mode"),
      "safe mode on <base>/status"
    );
    // The wall switch still drives the relay.
    const light = sim.pins.level("D12");
    await sim.pins.bounce("D0", !sim.pins.level("D0"));
    await sleep(200);
    assert.equal(sim.pins.level("D12"), !light);
    sim.type("normal()");
    await sim.waitFor(/leaving safe mode[^]*lightnode [^]*-> Active/, 20000);
    assert.equal(booted(), OLD);
  });
});
