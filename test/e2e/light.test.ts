// The light node end to end: build/firmware.js in the simulator, against aedes and mosquitto, with
// the `mqtt` package as the phone app. Relay D12 (active high), wall switch D0 (pressed = low).
import { strict as assert } from "node:assert";
import mqtt from "mqtt";
import { Simulator } from "../../sim/simulator";
import { startAedes, startMosquitto, requireMosquitto, RunningBroker } from "../support/brokers";
import { expandDiscovery, LIGHT_FIELDS, DEVICE_FIELDS } from "../light/ha";
import { bringUp } from "../support/node";

const BASE = "living_room_lights";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, test: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await sleep(10);
  }
}

interface Seen {
  topic: string;
  payload: string;
  retain: boolean;
}

// A phone app: subscribes to the node's topics and records what arrives.
async function phoneApp(url: string, topics: string[]) {
  const c = await mqtt.connectAsync(url, {
    clientId: "phone" + Math.random().toString(16).slice(2, 8),
    reconnectPeriod: 0
  });
  const seen: Seen[] = [];
  c.on("message", (topic, p, packet) => seen.push({ topic, payload: p.toString(), retain: packet.retain }));
  await c.subscribeAsync(topics, { qos: 1 });
  return { c, seen, on: (t: string) => seen.filter((s) => s.topic === t).map((s) => s.payload) };
}

for (const kind of ["aedes", "mosquitto"] as const) {
  describe(`e2e: light node (${kind})`, function () {
    this.timeout(30000);
    let broker: RunningBroker;
    let sim: Simulator;
    let phone: Awaited<ReturnType<typeof phoneApp>>;

    before(async function () {
      broker = kind === "aedes" ? await startAedes() : await startMosquitto(requireMosquitto(this));
    });
    after(async () => broker && broker.close());

    async function boot() {
      sim = await Simulator.start({ inputs: { D0: true } });
      await bringUp(sim, broker);
    }

    beforeEach(async function () {
      phone = await phoneApp(broker.url, [BASE, BASE + "/state", BASE + "/status", "homeassistant/light/+/config"]);
      await boot();
      await until("retained state", () => phone.on(BASE + "/state").length > 0);
    });
    afterEach(async function () {
      await sim.stop();
      await phone.c.endAsync();
      // Clear what this test left retained on the broker.
      const c = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
      for (const t of [
        BASE + "/state",
        BASE + "/status",
        BASE + "/info",
        "homeassistant/light/lightnode-0a1b2c/config"
      ])
        await c.publishAsync(t, "", { retain: true });
      await c.endAsync();
    });

    // A wall-switch flip with contact bounce (the switch is a latching one: level changes).
    const flip = () => (sim.pins.level("D0") ? sim.pins.press("D0") : sim.pins.release("D0"));

    // Issue 20: one large retained message on the command topic knocked the node off the broker
    // at every connect, forever ("packet too large").
    it("a 2,000-byte retained message on the command topic is dropped once; the node stays on the broker", async function () {
      await phone.c.publishAsync(BASE, "x".repeat(2000), { qos: 1, retain: true });
      try {
        await sim.waitFor(/\[net\] mqtt: dropped \d+ bytes on living_room_lights: too large\n/, 5000);
        // Reconnecting delivers it again as retained: dropped again, and the link stays.
        sim.net.dropAll();
        await sim.waitFor(/LookingForBroker -> Active/, 15000);
        await sim.waitFor(/\[net\] mqtt: dropped \d+ bytes on living_room_lights: too large\n/, 5000);
        await sleep(1500);
        assert.ok(!sim.output.includes("packet too large"), sim.output.slice(-400));
        assert.equal((sim.output.match(/Active -> /g) || []).length, 1, "one reconnect: the one the test made");
        await phone.c.publishAsync(BASE, "on", { qos: 1 });
        await until("relay on", () => sim.pins.level("D12"));
        assert.deepEqual(sim.errors, []);
      } finally {
        await phone.c.publishAsync(BASE, "", { qos: 1, retain: true });
      }
    });

    it("a command switches the relay", async function () {
      await phone.c.publishAsync(BASE, "on", { qos: 1 });
      await until("relay on", () => sim.pins.level("D12"));
      await phone.c.publishAsync(BASE, "OFF", { qos: 1 });
      await until("relay off", () => !sim.pins.level("D12"));
      await until("state off", () => phone.on(BASE + "/state").slice(-1)[0] === "off");
      assert.deepEqual(sim.errors, []);
    });

    it("a bouncing wall-switch flip publishes exactly one message and updates the retained state", async function () {
      const start = phone.seen.length;
      await flip();
      await until("state on", () => phone.on(BASE + "/state").slice(-1)[0] === "on");
      await sleep(300);
      const after = phone.seen.slice(start);
      assert.deepEqual(
        after.filter((s) => s.topic === BASE).map((s) => s.payload),
        ["on"]
      );
      assert.deepEqual(
        after.filter((s) => s.topic === BASE + "/state").map((s) => s.payload),
        ["on"]
      );
      assert.equal(sim.pins.level("D12"), true);
      const late = await phoneApp(broker.url, [BASE + "/state"]);
      await until("retained state", () => late.seen.length > 0);
      assert.deepEqual(late.seen[0], { topic: BASE + "/state", payload: "on", retain: true });
      await late.c.endAsync();
    });

    it("the phone sees offline when the node's socket dies, and online and the state again after reconnect", async function () {
      await phone.c.publishAsync(BASE, "on", { qos: 1 });
      await until("relay on", () => sim.pins.level("D12"));
      sim.net.dropAll();
      await until("offline", () => phone.on(BASE + "/status").slice(-1)[0] === "offline", 10000);
      await until("online again", () => phone.on(BASE + "/status").slice(-1)[0] === "online", 15000);
      const late = await phoneApp(broker.url, [BASE + "/state", BASE + "/status"]);
      await until("retained", () => late.seen.length >= 2);
      assert.deepEqual(late.on(BASE + "/state"), ["on"]);
      assert.deepEqual(late.on(BASE + "/status"), ["online"]);
      await late.c.endAsync();
    });

    it("publishes a Home Assistant discovery config with the light schema fields", async function () {
      await until("discovery", () => phone.seen.some((s) => s.topic.startsWith("homeassistant/")));
      const d = phone.seen.find((s) => s.topic.startsWith("homeassistant/"))!;
      assert.equal(d.topic, "homeassistant/light/lightnode-0a1b2c/config");
      // As Home Assistant reads it: abbreviations expanded, every key one its light schema knows.
      const cfg = expandDiscovery(d.payload);
      for (const k of Object.keys(cfg)) assert.ok(LIGHT_FIELDS.includes(k), k);
      for (const k of Object.keys(cfg.device)) assert.ok(DEVICE_FIELDS.includes(k), k);
      for (const k of [
        "unique_id",
        "command_topic",
        "state_topic",
        "availability_topic",
        "payload_on",
        "payload_off",
        "payload_available",
        "payload_not_available",
        "device"
      ])
        assert.ok(k in cfg, k);
      assert.equal(cfg.command_topic, BASE);
      assert.equal(cfg.state_topic, BASE + "/state");
      assert.equal(cfg.availability_topic, BASE + "/status");
      assert.deepEqual(
        [cfg.payload_on, cfg.payload_off, cfg.payload_available, cfg.payload_not_available],
        ["on", "off", "online", "offline"]
      );
      assert.deepEqual(cfg.device.identifiers, ["lightnode-0a1b2c"]);
      // Re-published when Home Assistant comes online.
      const n = phone.seen.length;
      await phone.c.publishAsync("homeassistant/status", "online", { qos: 1 });
      await until("discovery again", () => phone.seen.slice(n).some((s) => s.topic.startsWith("homeassistant/light/")));
    });

    it("the switch works with Wi-Fi down; the new state is published once after reconnect", async function () {
      sim.wifi.apDown();
      await sim.waitFor(/-> Disconnected/, 5000);
      const start = phone.seen.length;
      await flip();
      await until("relay on", () => sim.pins.level("D12"));
      await flip();
      await flip();
      await until("relay on again", () => sim.pins.level("D12") && sim.pins.writes("D12").slice(-1)[0] === true);
      await sleep(200);
      assert.deepEqual(
        phone.seen.slice(start).filter((s) => s.topic === BASE || s.topic.endsWith("/state")),
        []
      );
      sim.wifi.apUp();
      await sim.waitFor(/-> Active/, 20000);
      await until("state on", () => phone.on(BASE + "/state").slice(-1)[0] === "on", 5000);
      await sleep(300);
      assert.deepEqual(
        phone.seen
          .slice(start)
          .filter((s) => s.topic === BASE)
          .map((s) => s.payload),
        ["on"]
      );
    });

    it("restores the power-on state after a restart, with no relay blip", async function () {
      await flip();
      await until("relay on", () => sim.pins.level("D12"));
      await sleep(3500);
      await sim.restart();
      const boot = sim.pins.currentBoot();
      await until("relay driven", () => sim.pins.writes("D12", boot).length > 0);
      assert.equal(sim.pins.writes("D12", boot)[0], true);
      assert.equal(
        sim.pins
          .history("D12", boot)
          .filter((e) => e.kind === "write")
          .every((e) => e.level === true),
        true
      );
      assert.equal(sim.pins.level("D12"), true);
    });

    it("own echo causes no loop; five flips within a second end in the state of the last flip", async function () {
      const start = phone.seen.length;
      const writes = sim.pins.writes("D12").length;
      for (let i = 0; i < 5; i++) {
        await flip();
        await sleep(120);
      }
      await sleep(1000);
      assert.equal(sim.pins.level("D12"), true);
      assert.deepEqual(sim.pins.writes("D12").slice(writes), [true, false, true, false, true]);
      const got = phone.seen.slice(start);
      assert.deepEqual(
        got.filter((s) => s.topic === BASE).map((s) => s.payload),
        ["on", "off", "on", "off", "on"]
      );
      // One state per flip: no echo was taken for a command.
      assert.deepEqual(
        got.filter((s) => s.topic === BASE + "/state").map((s) => s.payload),
        ["on", "off", "on", "off", "on"]
      );
      assert.deepEqual(sim.errors, []);
    });
  });
}
