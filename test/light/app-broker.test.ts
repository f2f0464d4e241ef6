// The app's echo handling against real brokers over real TCP, with real echo ordering. Until the
// node's own client is wired in the end-to-end tests, the node side uses the `mqtt` package behind
// the MqttClient contract (the app is what is under test here, not the client).
import { strict as assert } from "node:assert";
import mqtt from "mqtt";
import { createLightApp } from "../../src/light/app";
import { MqttClient } from "../../src/mqtt/api";
import { startAedes, startMosquitto, requireMosquitto, RunningBroker } from "../support/brokers";
import { boardPins, flashStorage, crc } from "../support/ports";
import { Pins as SimPins } from "../../sim/pins";
import { Pins } from "../../src/ports";
import { BOARD as BOARD_LED, config, byName } from "./helpers";

const BOARD = { ...BOARD_LED, led: null };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The wall switch's debounce (the app's setWatch option).
const DEBOUNCE_MS = 50;

// The `mqtt` package dressed as the MqttClient contract, connected, feeding the app.
async function nodeClient(url: string, app: ReturnType<typeof byName>) {
  const will = app.will(config())!;
  const c = await mqtt.connectAsync(url, {
    clientId: "node1",
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    will: { ...will, payload: Buffer.from(will.payload) }
  });
  const port = {
    get connected() {
      return c.connected;
    },
    subscribe: (topic: string, qos: 0 | 1) => void c.subscribe(topic, { qos }),
    publish: (topic: string, payload: string, qos: 0 | 1, retain: boolean) =>
      c.connected ? (c.publish(topic, payload, { qos, retain }), true) : false
  };
  c.on("message", (topic, payload, packet) =>
    app.onMessage({
      topic,
      payload: payload.toString("latin1"),
      qos: packet.qos,
      retain: packet.retain,
      dup: packet.dup
    })
  );
  app.onState("Active");
  app.onConfig(config());
  app.onActive(port as unknown as MqttClient);
  await sleep(100);
  return c;
}

for (const kind of ["aedes", "mosquitto"] as const) {
  describe(`light/app echo over a real broker (${kind})`, function () {
    let broker: RunningBroker;
    let phone: mqtt.MqttClient;
    let node: mqtt.MqttClient;
    let pins: Pins;
    let wire: SimPins;
    let pinLog: string[];
    let app: ReturnType<typeof byName>;
    let seen: string[];

    before(async function () {
      broker = kind === "aedes" ? await startAedes() : await startMosquitto(requireMosquitto(this));
    });
    after(async function () {
      if (broker) await broker.close();
    });
    beforeEach(async function () {
      ({ pins, wire, log: pinLog } = boardPins(undefined, { D0: true }));
      app = byName(
        createLightApp({
          pins,
          board: BOARD,
          storage: flashStorage().storage,
          crc,
          print: () => {},
          info: () => ({ version: "t" }),
          config: config()
        })
      );
      node = await nodeClient(broker.url, app);
      phone = await mqtt.connectAsync(broker.url, { clientId: "phone", reconnectPeriod: 0 });
      seen = [];
      phone.on("message", (t, p) => seen.push(`${t} ${p}`));
      await phone.subscribeAsync(["living_room_lights", "living_room_lights/state"], { qos: 1 });
      await sleep(100);
      seen = [];
    });
    afterEach(async function () {
      await phone.endAsync();
      await node.endAsync();
    });
    // A wall-switch flip, heard by the app once the 50 ms debounce is over (flips come no faster).
    const flip = async () => {
      wire.set("D0", !wire.level("D0"));
      await sleep(DEBOUNCE_MS + 10);
    };

    it("quick flips on-off-on end on; each echo is dropped, none loops", async function () {
      const before = pinLog.length;
      await flip();
      await flip();
      await flip();
      await sleep(400);
      assert.equal(wire.level(BOARD.relay), true);
      // The relay moved exactly three times: no echo dragged it back through an old state.
      assert.deepEqual(
        pinLog.slice(before).filter((l) => l.startsWith("write D12")),
        ["write D12 1", "write D12 0", "write D12 1"]
      );
      assert.deepEqual(
        seen.filter((s) => !s.includes("/state")),
        ["living_room_lights on", "living_room_lights off", "living_room_lights on"]
      );
      assert.deepEqual(
        seen.filter((s) => s.includes("/state")),
        ["living_room_lights/state on", "living_room_lights/state off", "living_room_lights/state on"]
      );
    });

    it("five flips within a second end in the state of the last flip", async function () {
      const before = pinLog.length;
      for (let i = 0; i < 5; i++) {
        await flip();
        await sleep(150 - DEBOUNCE_MS - 10);
      }
      await sleep(400);
      assert.equal(wire.level(BOARD.relay), true);
      assert.equal(pinLog.slice(before).filter((l) => l.startsWith("write D12")).length, 5);
      assert.equal(seen.filter((s) => !s.includes("/state")).length, 5);
      assert.equal(seen.filter((s) => s.includes("/state")).length, 5);
      assert.equal(seen.filter((s) => s.includes("/state")).pop(), "living_room_lights/state on");
    });

    it("a phone command is obeyed right after the node's own echoes", async function () {
      await flip();
      await phone.publishAsync("living_room_lights", "off", { qos: 1 });
      await sleep(300);
      assert.equal(wire.level(BOARD.relay), false);
      assert.equal(wire.level("D12"), false);
      assert.equal(seen.filter((s) => s.includes("/state")).pop(), "living_room_lights/state off");
    });
  });
}
