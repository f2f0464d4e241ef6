// The app's MQTT contract in detail: command payloads, the discovery document, echo suppression.
import { strict as assert } from "node:assert";
import sinon from "sinon";
import { createLightApp, LightDeps } from "../../src/light/app";
import { MqttClient } from "../../src/mqtt/api";
import { flashStorage, crc } from "../support/ports";
import { expandDiscovery, LIGHT_FIELDS, DEVICE_FIELDS } from "./ha";
import { BOARD, config, msg, RecordingClient, relayOn, wallSwitch, WallSwitch, byName } from "./helpers";
import { espruinoTimers } from "../support/espruino-timers";

// How long after its last own publication the node expects echoes (5 s).
const WINDOW_MS = 5000;
const BASE = "living_room_lights";

describe("light/app MQTT contract", function () {
  let clock: sinon.SinonFakeTimers;
  let sw: WallSwitch;
  let log: string[];
  const make = (over: Partial<LightDeps> = {}) =>
    byName(
      createLightApp({
        pins: sw.pins,
        board: BOARD,
        storage: flashStorage().storage,
        crc,
        print: (l) => log.push(l),
        info: () => ({ version: "0.1.0" }),
        config: config(),
        ...over
      })
    );
  // An app that is Active on a recording client, with the connect-time publications taken.
  function active(over: Partial<LightDeps> = {}) {
    const app = make(over);
    const c = new RecordingClient();
    app.onState("Active");
    app.onConfig(config());
    app.onActive(c as unknown as MqttClient);
    c.take();
    return { app, c };
  }
  const states = (c: RecordingClient) => c.take().filter((s) => s.startsWith(BASE + "/state"));

  beforeEach(function () {
    clock = espruinoTimers(sinon, 1000);
    sw = wallSwitch(clock);
    log = [];
  });
  afterEach(() => clock.restore());

  // Leaving on purpose (the will is not sent after DISCONNECT): what stays retained on the broker.
  describe("light/app goodbye (LEAVE)", function () {
    const HA_CONFIG = "homeassistant/light/node1/config";
    it("offline(): says offline under the base topic, keeps the rest", function () {
      const { app, c } = active();
      app.onLeave(config());
      assert.deepEqual(c.take(), [BASE + "/status offline q1 r"]);
    });
    it("forget(): says offline and removes the Home Assistant entity", function () {
      const { app, c } = active();
      app.onLeave(undefined);
      assert.deepEqual(c.take(), [BASE + "/status offline q1 r", HA_CONFIG + " {...} q1 r"]);
      assert.equal(c.last[HA_CONFIG], "");
    });
    it("another broker or credentials: says offline there, keeps the rest", function () {
      const { app, c } = active();
      app.onLeave(config({ broker: "10.0.0.9", user: "u", pass: "p" }));
      assert.deepEqual(c.take(), [BASE + "/status offline q1 r"]);
    });
    // Issue 20: after a topic change the old topic kept the node's retained messages for good.
    it("another base topic: clears the light state and diagnostics under the old one", function () {
      const { app, c } = active();
      app.onLeave(config({ topic: "kitchen" }));
      assert.deepEqual(c.take(), [BASE + "/status offline q1 r", BASE + "/state  q1 r", BASE + "/info {...} q1 r"]);
      assert.equal(c.last[BASE + "/info"], "");
    });
    it("another client id: removes the Home Assistant entity of the old one", function () {
      const { app, c } = active();
      app.onLeave(config({ id: "node2" }));
      assert.deepEqual(c.take(), [BASE + "/status offline q1 r", HA_CONFIG + " {...} q1 r"]);
      assert.equal(c.last[HA_CONFIG], "");
    });
  });

  describe("light/app commands", function () {
    // 1 on, 0 off, 2 toggle, -1 not a command.
    const cases: [string, number][] = [
      ["on", 1],
      ["ON", 1],
      ["On", 1],
      ["1", 1],
      ["true", 1],
      [" on\n", 1],
      ["off", 0],
      ["OFF", 0],
      ["0", 0],
      ["false", 0],
      ["FALSE", 0],
      ["toggle", 2],
      ["TOGGLE", 2],
      ["", -1],
      ["onn", -1],
      ["2", -1],
      ["yes", -1],
      ["constructor", -1],
      ["hasOwnProperty", -1],
      ["\u0000", -1]
    ];
    for (const [payload, want] of cases) {
      it(`takes ${JSON.stringify(payload)} as ${["not a command", "off", "on", "toggle"][want + 1]}`, function () {
        for (const start of [false, true]) {
          log = [];
          const app = make({ config: config({ power: start ? "on" : "off" }) });
          app.onMessage(msg(BASE, payload));
          assert.equal(relayOn(sw), want < 0 ? start : want == 2 ? !start : want == 1, `from ${start ? "on" : "off"}`);
          assert.equal(log.length, want < 0 ? 1 : 0);
        }
      });
    }
  });

  describe("light/app discovery", function () {
    it("is Home Assistant's basic light schema, in its abbreviations", function () {
      const { c } = active();
      const json = c.last["homeassistant/light/node1/config"];
      const d = expandDiscovery(json);
      assert.deepEqual(d, {
        name: null,
        unique_id: "node1",
        command_topic: BASE,
        state_topic: BASE + "/state",
        availability_topic: BASE + "/status",
        payload_on: "on",
        payload_off: "off",
        payload_available: "online",
        payload_not_available: "offline",
        qos: 1,
        device: { identifiers: ["node1"], name: BASE, sw_version: "0.1.0" }
      });
      // Every key is one Home Assistant knows; commands are not retained (its default).
      for (const k of Object.keys(d)) assert.ok(LIGHT_FIELDS.includes(k), k);
      for (const k of Object.keys(d.device)) assert.ok(DEVICE_FIELDS.includes(k), k);
      assert.equal(d.retain ?? false, false);
      // Abbreviated: shorter on the wire and in the firmware.
      assert.ok(json.length < JSON.stringify(d).length, `${json.length} bytes`);
    });
  });

  describe("light/app echo", function () {
    it("drops exactly as many matching messages as were sent, in any order", function () {
      const { app, c } = active();
      sw.flip();
      sw.flip();
      sw.flip();
      c.take();
      for (const p of ["off", "on", "on"]) app.onMessage(msg(BASE, p));
      assert.equal(relayOn(sw), true);
      assert.deepEqual(states(c), []);
      // The next ones are commands again.
      app.onMessage(msg(BASE, "on"));
      assert.deepEqual(states(c), [BASE + "/state on q1 r"]);
      app.onMessage(msg(BASE, "off"));
      assert.equal(relayOn(sw), false);
    });

    it("never takes another client's spelling for an echo", function () {
      const { app, c } = active();
      sw.flip();
      sw.flip();
      c.take();
      app.onMessage(msg(BASE, "ON"));
      assert.equal(relayOn(sw), true);
      app.onMessage(msg(BASE, "1"));
      assert.deepEqual(states(c), [BASE + "/state on q1 r", BASE + "/state on q1 r"]);
      app.onMessage(msg(BASE, "on"));
      app.onMessage(msg(BASE, "off"));
      assert.deepEqual(states(c), []);
      assert.equal(relayOn(sw), true);
    });

    it("works where every object inherits on() and emit(), as on Espruino", function () {
      const proto = Object.prototype as any;
      proto.on = function () {};
      proto.emit = function () {};
      try {
        const { app, c } = active();
        sw.flip();
        c.take();
        app.onMessage(msg(BASE, "on"));
        assert.deepEqual(states(c), []);
        app.onMessage(msg(BASE, "emit"));
        assert.deepEqual(log, ['light: ignored "emit"']);
        app.onMessage(msg(BASE, "off"));
        assert.equal(relayOn(sw), false);
        app.onMessage(msg(BASE, "on"));
        assert.equal(relayOn(sw), true);
      } finally {
        delete proto.on;
        delete proto.emit;
      }
    });

    it("forgets echoes that never came after the window", function () {
      const { app } = active();
      sw.flip();
      sw.flip();
      clock.tick(WINDOW_MS + 1);
      app.onMessage(msg(BASE, "on"));
      assert.equal(relayOn(sw), true);
    });

    it("forgets the echoes due on a connection that dropped: the phone's next command after a reconnect is obeyed", function () {
      // The sequence: a flip publishes "on"; its echo never comes (the broker does not
      // echo, or the link dropped between PUBACK and echo); the phone says "off"; the link drops
      // and comes back; the phone says "on" at once.
      const { app, c } = active();
      sw.flip();
      assert.equal(relayOn(sw), true);
      app.onMessage(msg(BASE, "off"));
      assert.equal(relayOn(sw), false);
      clock.tick(100);
      app.onState("LookingForBroker");
      app.onState("Active");
      app.onActive(c as unknown as MqttClient);
      app.onMessage(msg(BASE, "on"));
      assert.equal(relayOn(sw), true);
    });

    it("still drops the echo of a flip published on the new connection", function () {
      const { app, c } = active();
      app.onState("LookingForBroker");
      sw.flip();
      app.onState("Active");
      app.onActive(c as unknown as MqttClient);
      assert.equal(relayOn(sw), true);
      app.onMessage(msg(BASE, "on"));
      assert.equal(relayOn(sw), true);
      app.onMessage(msg(BASE, "off"));
      assert.equal(relayOn(sw), false);
    });
  });
});
