// Issue 21 end to end on the simulated 4 MB node (build/storage-4mb flashed and booted from
// .bootcde, as npm start runs it; the 1 MB files have neither feature): the wall switch's gestures
// on the simulated pins with contact bounce on every edge and inside a gesture, the relay's timing
// around them, telemetry on <base>/info, and Home Assistant's sensors and triggers, against a real
// broker (aedes) with the `mqtt` package as Home Assistant. test/board/gestures.board.ts runs the
// same features on the real interpreter.
import { strict as assert } from "node:assert";
import path from "node:path";
import mqtt from "mqtt";
import { Simulator } from "../../sim/simulator";
import { startAedes, RunningBroker } from "../support/brokers";
import { bringUp } from "../support/node";
import { expandDiscovery, SENSOR_FIELDS, TRIGGER_FIELDS, UPDATE_FIELDS } from "../light/ha";

const BASE = "living_room_lights";
const ACTION = BASE + "/action";
const LAYOUT = path.resolve("build", "storage-4mb");
const RELAY = "D12";
const SWITCH = "D0";
// src/gesture/gesture.ts: the double-press window and the hold time; the app's debounce.
const WINDOW_MS = 300;
const HOLD_MS = 1000;
const DEBOUNCE_MS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("simulator: gestures and telemetry on the 4 MB layout", function () {
  this.timeout(60000);
  let broker: RunningBroker;
  let sim: Simulator;
  let heard: Array<{ topic: string; payload: string; at: number }>;
  let ha: mqtt.MqttClient;

  beforeEach(async () => {
    broker = await startAedes();
    ha = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    heard = [];
    ha.on("message", (topic, p) => heard.push({ topic, payload: p.toString("latin1"), at: Date.now() }));
    await ha.subscribeAsync(["#"], { qos: 1 });
    sim = await Simulator.start({ layout: LAYOUT, inputs: { [SWITCH]: true } });
    await bringUp(sim, broker, `mode:"button",gestures:true,tele:1`);
  });
  afterEach(async () => {
    await sim.stop();
    await ha.endAsync();
    await broker.close();
  });

  const on = (topic: string, from = 0) =>
    heard
      .slice(from)
      .filter((h) => h.topic === topic)
      .map((h) => h.payload);
  async function until(what: string, test: () => boolean, ms = 5000) {
    const end = Date.now() + ms;
    while (!test()) {
      if (Date.now() > end) throw new Error("timed out waiting for " + what);
      await sleep(5);
    }
  }
  // The push button, bouncing 3 times 2 ms apart at each edge (the simulator's contact).
  const press = () => sim.pins.press(SWITCH);
  const release = () => sim.pins.release(SWITCH);

  it("a single press says single, and switches the relay only once the double-press window has passed", async () => {
    const from = heard.length;
    const was = sim.pins.level(RELAY);
    await press();
    await sleep(100);
    await release();
    const released = Date.now();
    await sleep(DEBOUNCE_MS + WINDOW_MS - 80);
    assert.equal(sim.pins.level(RELAY), was, "not yet: a second press may come");
    await until("relay switched", () => sim.pins.level(RELAY) !== was, 1000);
    const after = Date.now() - released;
    assert.ok(after >= DEBOUNCE_MS + WINDOW_MS - 30, `switched ${after} ms after the release`);
    await until("single", () => on(ACTION, from).length > 0);
    await sleep(200);
    assert.deepEqual(on(ACTION, from), ["single"]);
    assert.deepEqual(on(BASE, from), [was ? "off" : "on"], "the flip published once");
    assert.deepEqual(sim.errors, []);
  });

  it("a bouncing double press, with a spike between the presses, says double once and leaves the relay", async () => {
    const from = heard.length;
    const writes = sim.pins.writes(RELAY).length;
    await press();
    await sleep(80);
    await release();
    // Once the release is heard (after the debounce), a 10 ms touch of the contact: shorter than
    // the debounce, no press. Then the second press, well within the window.
    await sleep(DEBOUNCE_MS + 15);
    await sim.pins.bounce(SWITCH, false, { bounces: 2, gapMs: 3 });
    await sleep(10);
    await sim.pins.bounce(SWITCH, true, { bounces: 0 });
    await sleep(DEBOUNCE_MS + 10);
    await press();
    await sleep(80);
    await release();
    await sleep(WINDOW_MS + 300);
    assert.deepEqual(on(ACTION, from), ["double"]);
    assert.equal(sim.pins.writes(RELAY).length, writes, "the relay untouched");
  });

  it("a press held 1 s says hold while held; the relay stays, and the release says nothing", async () => {
    const from = heard.length;
    const writes = sim.pins.writes(RELAY).length;
    await press();
    const pressed = Date.now();
    await until("hold", () => on(ACTION, from).length > 0, 3000);
    assert.ok(Date.now() - pressed >= HOLD_MS, `said ${Date.now() - pressed} ms after the press`);
    await release();
    await sleep(WINDOW_MS + 300);
    assert.deepEqual(on(ACTION, from), ["hold"]);
    assert.equal(sim.pins.writes(RELAY).length, writes);
  });

  it("with gestures off, a press switches at once and says nothing", async () => {
    sim.type("config({gestures:false})");
    await sim.waitFor(/saved/);
    const from = heard.length;
    const was = sim.pins.level(RELAY);
    await press();
    await sleep(DEBOUNCE_MS + 20);
    assert.notEqual(sim.pins.level(RELAY), was, "switched on the press");
    await release();
    await sleep(WINDOW_MS + 200);
    assert.deepEqual(on(ACTION, from), []);
  });

  it("announces the RSSI and uptime sensors and the triggers, and re-publishes <base>/info every second", async () => {
    // One config per half-second tick after the light's: the hold's trigger is the last.
    await until("discovery", () =>
      heard.some((h) => /^homeassistant\/device_automation\/.+\/hold\/config$/.test(h.topic))
    );
    const sensors = heard.filter((h) => /^homeassistant\/sensor\/.+\/config$/.test(h.topic) && h.payload);
    assert.deepEqual(sensors.map((h) => h.topic.split("/")[3]).sort(), ["rssi", "uptime"]);
    for (const s of sensors) {
      const d = expandDiscovery(s.payload, true);
      for (const k of Object.keys(d)) assert.ok(SENSOR_FIELDS.includes(k), k);
      assert.equal(d.state_topic, BASE + "/info");
      assert.equal(d.entity_category, "diagnostic");
    }
    const triggers = heard.filter((h) => /^homeassistant\/device_automation\/.+\/config$/.test(h.topic) && h.payload);
    assert.deepEqual(triggers.map((h) => JSON.parse(h.payload).pl).sort(), ["double", "hold", "single"]);
    for (const t of triggers)
      for (const k of Object.keys(expandDiscovery(t.payload, true))) assert.ok(TRIGGER_FIELDS.includes(k), k);

    // The firmware as an update entity on the same device: the last of the extras.
    await until("the update entity", () =>
      heard.some((h) => /^homeassistant\/update\/.+\/firmware\/config$/.test(h.topic) && h.payload)
    );
    const update = expandDiscovery(
      heard.filter((h) => /^homeassistant\/update\/.+\/firmware\/config$/.test(h.topic)).pop()!.payload,
      true
    );
    for (const k of Object.keys(update)) assert.ok(UPDATE_FIELDS.includes(k), k);
    assert.equal(update.device_class, "firmware");
    assert.equal(update.state_topic, BASE + "/info");
    assert.equal(update.latest_version_topic, BASE + "/info");
    assert.equal(update.value_template, "{{value_json.version}}");
    assert.equal(update.json_attributes_topic, BASE + "/ota/state");
    assert.deepEqual(update.device, expandDiscovery(sensors[0].payload, true).device);
    // What its templates read: the version in the retained info.
    assert.equal(JSON.parse(on(BASE + "/info", 0).pop()!).version, require("../../package.json").version);

    // Telemetry's count starts once discovery's extras have gone, one per tick after Active.
    await sleep(3000);
    const from = heard.length;
    await sleep(3300);
    const infos = on(BASE + "/info", from).map((p) => JSON.parse(p));
    assert.ok(infos.length >= 3 && infos.length <= 4, `${infos.length} in 3.3 s`);
    assert.ok(infos.every((i) => typeof i.rssi == "number" && typeof i.free == "number" && "reconnects" in i));
    assert.ok(infos[infos.length - 1].uptime > infos[0].uptime);
  });

  it("after a lost link, <base>/info gives the last error and when it happened", async () => {
    sim.net.dropAll();
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
    const from = heard.length;
    await until("info", () => on(BASE + "/info", from).length > 0, 3000);
    const i = JSON.parse(on(BASE + "/info", from)[0]);
    assert.equal(i.last_error, "mqtt: connection lost");
    assert.ok(i.last_error_at >= 0 && i.last_error_at <= i.uptime, JSON.stringify(i));
    assert.equal(i.reconnects, 1);
  });
});
