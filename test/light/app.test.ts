// The app's logic against the simulated board's pins and a recording client; the real-broker behaviour (echo
// ordering, outages) is in app-broker.test.ts and the end-to-end tests.
import { strict as assert } from "node:assert";
import sinon from "sinon";
import { createLightApp, LightDeps } from "../../src/light/app";
import { MqttClient } from "../../src/mqtt/api";
import { flashStorage, crc } from "../support/ports";
import { StorageModule } from "../../src/ports";
import { BOARD, config, msg, RecordingClient, ledOn, relayOn, wallSwitch, WallSwitch, byName } from "./helpers";
import { espruinoTimers } from "../support/espruino-timers";

// The app saves the light to flash once it has been stable this long (3 s).
const SAVE_DELAY_MS = 3000;

describe("light/app", function () {
  let clock: sinon.SinonFakeTimers;
  let sw: WallSwitch;
  let storage: StorageModule;
  let log: string[];
  const make = (over: Partial<LightDeps> = {}) =>
    byName(
      createLightApp({
        pins: sw.pins,
        board: BOARD,
        storage,
        crc,
        print: (l) => log.push(l),
        info: () => ({ version: "0.1.0", ip: "10.0.0.2" }),
        config: config(),
        ...over
      })
    );

  // An app Active on a recording client, under `over`'s configuration, its announcements taken.
  const active = (over: Partial<LightDeps> = {}) => {
    const app = make(over);
    const c = new RecordingClient();
    app.onConfig(over.config || config());
    app.onActive(c as unknown as MqttClient);
    c.take();
    return { app, c };
  };

  beforeEach(function () {
    clock = espruinoTimers(sinon);
    sw = wallSwitch(clock);
    storage = flashStorage().storage;
    log = [];
  });
  afterEach(() => clock.restore());

  it("boots with the relay at its power-on state, first write final", function () {
    make({ config: config({ power: "on" }) });
    assert.deepEqual(
      sw.log.filter((l) => l.includes("D12")),
      ["write D12 1", "mode D12 output"]
    );
  });

  it("restores the last state saved in flash", function () {
    make();
    sw.flip();
    assert.equal(relayOn(sw), true);
    clock.tick(SAVE_DELAY_MS);
    // Another boot on the same flash, with the switch where it was.
    sw = wallSwitch(clock);
    make();
    assert.equal(relayOn(sw), true);
    assert.deepEqual(
      sw.log.filter((l) => l.includes("D12")),
      ["write D12 1", "mode D12 output"]
    );
  });

  it("the wall switch drives the relay while Offline, with no client at all", function () {
    const app = make();
    app.onState("Offline");
    sw.flip();
    assert.equal(sw.wire.level("D12"), true);
    sw.flip();
    assert.equal(sw.wire.level("D12"), false);
    assert.equal(relayOn(sw), false);
  });

  it("onActive subscribes at QoS 1 and announces status, info, discovery and state", function () {
    const app = make();
    const c = new RecordingClient();
    app.onState("Active");
    app.onConfig(config());
    app.onActive(c as unknown as MqttClient);
    assert.deepEqual(c.subs, ["living_room_lights 1", "homeassistant/status 1"]);
    assert.deepEqual(c.take(), [
      "living_room_lights/status online q1 r",
      "living_room_lights/info {...} q0 r",
      "homeassistant/light/node1/config {...} q0 r",
      "living_room_lights/state off q1 r"
    ]);
  });

  it("the will is offline, retained, on the status topic of the given config", function () {
    assert.deepEqual(make().will(config({ topic: "hall" })), {
      topic: "hall/status",
      payload: "offline",
      qos: 1,
      retain: true
    });
  });

  it("a flip while Active publishes the command and the retained state at QoS 1", function () {
    const { c } = active();
    sw.flip();
    assert.deepEqual(c.take(), ["living_room_lights on q1", "living_room_lights/state on q1 r"]);
  });

  it("flips while offline are delivered after reconnect, once, latest only", function () {
    const { app, c } = active();
    app.onState("LookingForBroker");
    sw.flip();
    sw.flip();
    sw.flip();
    assert.deepEqual(c.take(), []);
    assert.equal(sw.wire.level("D12"), true);
    app.onState("Active");
    app.onConfig(config());
    app.onActive(c as unknown as MqttClient);
    const sent = c.take();
    assert.deepEqual(
      sent.filter((s) => s.startsWith("living_room_lights ")),
      ["living_room_lights on q1"]
    );
    assert.deepEqual(
      sent.filter((s) => s.startsWith("living_room_lights/state")),
      ["living_room_lights/state on q1 r"]
    );
    clock.tick(10000);
    assert.deepEqual(c.take(), []);
  });

  it("a publish the client refuses (outbox full) is retried", function () {
    const { c } = active();
    c.accept = false;
    sw.flip();
    c.accept = true;
    clock.tick(1000);
    assert.deepEqual(c.take(), ["living_room_lights on q1", "living_room_lights/state on q1 r"]);
  });

  it("commands set the light; state is published retained; toggle toggles", function () {
    const { app, c } = active();
    app.onMessage(msg("living_room_lights", "ON"));
    assert.equal(sw.wire.level("D12"), true);
    app.onMessage(msg("living_room_lights", "toggle"));
    assert.equal(sw.wire.level("D12"), false);
    app.onMessage(msg("living_room_lights", "1"));
    assert.equal(sw.wire.level("D12"), true);
    assert.deepEqual(c.take(), [
      "living_room_lights/state on q1 r",
      "living_room_lights/state off q1 r",
      "living_room_lights/state on q1 r"
    ]);
  });

  it("ignores anything else with a console note, and other topics silently", function () {
    const app = make();
    app.onMessage(msg("living_room_lights", "dim 50%"));
    app.onMessage(msg("living_room_lights/state", "on"));
    assert.equal(relayOn(sw), false);
    assert.deepEqual(log, ['light: ignored "dim 50%"']);
  });

  it("takes a command with spaces around it, and ignores one of 20 bytes or more (never copied whole)", function () {
    const app = make();
    app.onMessage(msg("living_room_lights", " On  "));
    assert.equal(relayOn(sw), true);
    app.onMessage(msg("living_room_lights", "off" + " ".repeat(17)));
    assert.equal(relayOn(sw), true);
    assert.deepEqual(log, ['light: ignored "off                 "']);
  });

  it("ignores retained commands unless configured", function () {
    const app = make();
    app.onMessage(msg("living_room_lights", "on", true));
    assert.equal(relayOn(sw), false);
    app.onConfig(config({ retained: true }));
    app.onMessage(msg("living_room_lights", "on", true));
    assert.equal(relayOn(sw), true);
  });

  it("drops the echo of its own flips: on-off-on ends on", function () {
    const { app } = active();
    sw.flip();
    sw.flip();
    sw.flip();
    for (const p of ["on", "off", "on"]) app.onMessage(msg("living_room_lights", p));
    assert.equal(relayOn(sw), true);
    assert.equal(sw.wire.level("D12"), true);
    // A phone's later "off" is obeyed.
    app.onMessage(msg("living_room_lights", "off"));
    assert.equal(relayOn(sw), false);
  });

  it("re-publishes discovery when Home Assistant comes online, unless discovery is off", function () {
    const { app, c } = active();
    app.onMessage(msg("homeassistant/status", "online"));
    app.onMessage(msg("homeassistant/status", "offline"));
    assert.deepEqual(c.take(), ["homeassistant/light/node1/config {...} q0 r"]);
    const c2 = new RecordingClient();
    app.onConfig(config({ discovery: false }));
    app.onActive(c2 as unknown as MqttClient);
    app.onMessage(msg("homeassistant/status", "online"));
    assert.deepEqual(c2.subs, ["living_room_lights 1"]);
    assert.equal(c2.take().filter((s) => s.includes("homeassistant")).length, 0);
  });

  it("detached: the relay stays energised, the switch only changes and publishes the state", function () {
    const { c } = active({ config: config({ mode: "detached" }) });
    assert.equal(sw.wire.level("D12"), true);
    sw.flip();
    assert.deepEqual(c.take(), ["living_room_lights on q1", "living_room_lights/state on q1 r"]);
    sw.flip();
    assert.deepEqual(c.take(), ["living_room_lights off q1", "living_room_lights/state off q1 r"]);
    assert.equal(sw.wire.level("D12"), true);
  });

  for (const mode of ["toggle", "detached"] as const) {
    it(`${mode}: every change of the switch level is one flip, repeats of a level are not`, function () {
      make({ config: config({ mode }) });
      // Detached, the relay stays on: the status LED shows the light.
      const lit = mode == "detached" ? ledOn : relayOn;
      sw.set(false);
      sw.set(false);
      assert.equal(lit(sw), true);
      sw.set(true);
      assert.equal(lit(sw), false);
      sw.set(false);
      assert.equal(lit(sw), true);
    });
  }

  for (const pressedLow of [true, false]) {
    it(`button: only the press edge flips (pressed = ${pressedLow ? "low" : "high"})`, function () {
      sw.wire.set("D0", pressedLow); // released
      make({ board: { ...BOARD, buttonPressedLow: pressedLow }, config: config({ mode: "button" }) });
      sw.set(!pressedLow); // press
      assert.equal(relayOn(sw), true);
      sw.set(pressedLow); // release
      assert.equal(relayOn(sw), true);
      sw.set(!pressedLow);
      assert.equal(relayOn(sw), false);
      sw.set(pressedLow);
      assert.equal(relayOn(sw), false);
    });
  }

  it("reads the switch mode at each edge, so a new configuration applies at once", function () {
    const app = make({ config: config({ mode: "button" }) });
    sw.set(false);
    sw.set(true);
    assert.equal(relayOn(sw), true);
    app.onConfig(config({ mode: "toggle" }));
    sw.set(false);
    assert.equal(relayOn(sw), false);
    sw.set(true);
    assert.equal(relayOn(sw), true);
  });

  it("the LED shows the light when Active and blinks otherwise; no LED on boards without one", function () {
    const app = make();
    app.onState("Active");
    sw.flip();
    assert.equal(sw.wire.level("D13"), false); // lit, active-low
    sw = wallSwitch(clock);
    const bare = make({ board: { ...BOARD, led: null } });
    bare.onState("Disconnected");
    assert.equal(
      sw.log.some((l) => l.includes("D13")),
      false
    );
  });
});
