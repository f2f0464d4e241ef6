// An update over the air on the simulated 4 MB node, as `npm start` runs it (build/storage-4mb
// flashed, booted from .bootcde): the host tool (scripts/ota.mjs, a child process) against the
// embedded broker, the node's receiver and loader in the simulator.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mqtt from "mqtt";
import { Simulator } from "../../sim/simulator";
import { startAedes, RunningBroker } from "../support/brokers";
import { bringUp } from "../support/node";
import { buildSet, runOta } from "../support/ota";

const BASE = "living_room_lights";
const KEY = "5d0c8e2a91f34b7c6a1e0f9d8b7c6a5e";
const OTHER_KEY = "00112233445566778899aabbccddeeff";
const LAYOUT = path.resolve("build", "storage-4mb");

function ota(broker: RunningBroker, args: string[]): Promise<{ code: number; out: string }> {
  return runOta(broker.url, args).exit;
}

describe("simulator: an update over the air on the 4 MB layout", function () {
  this.timeout(90000);
  let broker: RunningBroker;
  let sim: Simulator;
  let dir: string;
  let keyFile: string;
  let setB: string;
  let heard: Array<[string, string]>;
  let watcher: mqtt.MqttClient;

  before(function () {
    dir = mkdtempSync(path.join(tmpdir(), "lightnode-update-"));
    keyFile = path.join(dir, "node.key");
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    // Set b built once for all the tests (`npm run ota` builds it when not given --dir).
    setB = buildSet(dir, "b", require("../../package.json").version);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    broker = await startAedes();
    watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    heard = [];
    watcher.on("message", (t, p) => heard.push([t, p.toString("latin1")]));
    await watcher.subscribeAsync("#", { qos: 1 });
    sim = await Simulator.start({ layout: LAYOUT });
    await bringUp(sim, broker, `key:"${KEY}"`);
  });
  afterEach(async () => {
    await sim.stop();
    await watcher.endAsync();
    await broker.close();
  });

  it("installs set b, confirms it, and set b boots again after a power cycle with the light kept", async () => {
    // The light switched on at the wall: an update must not lose it.
    const before = sim.pins.level("D12");
    await sim.pins.bounce("D0", !sim.pins.level("D0"));
    await new Promise((r) => setTimeout(r, 200));
    const light = sim.pins.level("D12");
    assert.notEqual(light, before);
    const r = await ota(broker, ["--key-file", keyFile, "--dir", setB, "--timeout", "60"]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /ota: node: confirmed/);
    assert.match(sim.output, /\[boot\] trying set b/);
    for (const f of ["ln.b.boot", "ln.b.con", "ln.b.net", "ln.b.ota"]) assert.ok(sim.storage.get(f), f);
    assert.ok(
      heard.some(([t, p]) => t === BASE + "/ota/state" && /^confirmed/.test(p)),
      "confirmed on <base>/ota/state"
    );
    await sim.restart();
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
    assert.doesNotMatch(sim.since(0).split("[boot] trying set b").pop()!, /\[boot\]/);
    assert.equal(sim.pins.level("D12"), light);
    assert.deepEqual(sim.errors, []);
    // The key was typed, never shown or sent.
    assert.ok(!sim.output.includes(KEY));
    assert.ok(!heard.some(([, p]) => p.includes(KEY)), "no message carries the key");
  });

  it("refuses an update signed with another key: nothing is staged, set a keeps running", async () => {
    const other = path.join(dir, "other.key");
    writeFileSync(other, OTHER_KEY, { mode: 0o600 });
    const r = await ota(broker, ["--key-file", other, "--dir", setB, "--timeout", "20"]);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /refused/);
    assert.ok(!sim.storage.get("ln.b.boot"), "set b not staged");
    assert.ok(heard.some(([t, p]) => t === BASE + "/ota/state" && /^refused/.test(p)));
    await sim.restart();
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
    assert.doesNotMatch(sim.output, /\[boot\] trying/);
    assert.deepEqual(sim.errors, []);
  });

  it("save() is refused, as Espruino 2v29 refuses it over a flashed .bootcde, and the node runs on", async () => {
    sim.type("save()");
    await sim.waitFor(/Cannot save: \.bootcde file already exists/);
    assert.equal(sim.saveCalls, 0);
    sim.type("status()");
    await sim.waitFor(/"state":"Active"/);
  });
});
