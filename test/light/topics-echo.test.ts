import { strict as assert } from "node:assert";
import sinon from "sinon";
import * as T from "../../src/light/topics";
import { createEcho, WINDOW_MS } from "../../src/light/echo";

describe("light/topics", function () {
  const cases: [string, number][] = [
    ["on", 1], ["ON", 1], ["On", 1], ["1", 1], ["true", 1], [" on\n", 1],
    ["off", 0], ["OFF", 0], ["0", 0], ["false", 0], ["FALSE", 0],
    ["toggle", 2], ["TOGGLE", 2],
    ["", -1], ["onn", -1], ["2", -1], ["yes", -1], ["constructor", -1], ["hasOwnProperty", -1], ["\u0000", -1]
  ];
  for (const [payload, want] of cases) {
    it(`parses ${JSON.stringify(payload)} as ${want}`, function () {
      assert.equal(T.parseCommand(payload), want);
    });
  }

  it("names the topics under the base", function () {
    assert.equal(T.stateTopic("living_room_lights"), "living_room_lights/state");
    assert.equal(T.statusTopic("living_room_lights"), "living_room_lights/status");
    assert.equal(T.infoTopic("a/b"), "a/b/info");
    assert.equal(T.discoveryTopic("node1"), "homeassistant/light/node1/config");
  });

  it("discovery carries Home Assistant's basic light schema fields", function () {
    const d = JSON.parse(T.discovery("living_room_lights", "node1", "0.1.0"));
    assert.deepEqual(d, {
      name: null,
      unique_id: "node1",
      command_topic: "living_room_lights",
      state_topic: "living_room_lights/state",
      availability_topic: "living_room_lights/status",
      payload_on: "on",
      payload_off: "off",
      payload_available: "online",
      payload_not_available: "offline",
      qos: 1,
      retain: false,
      device: { identifiers: ["node1"], name: "living_room_lights", sw_version: "0.1.0", model: "lightnode", manufacturer: "lightnode" }
    });
  });
});

describe("light/echo", function () {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers(1000)));
  afterEach(() => clock.restore());

  it("drops exactly as many matching messages as were sent, in any order", function () {
    const e = createEcho();
    e.sent("on");
    e.sent("off");
    e.sent("on");
    assert.equal(e.isEcho("off"), true);
    assert.equal(e.isEcho("on"), true);
    assert.equal(e.isEcho("on"), true);
    assert.equal(e.isEcho("on"), false);
    assert.equal(e.isEcho("off"), false);
  });

  it("never takes another client's spelling for an echo", function () {
    const e = createEcho();
    e.sent("on");
    assert.equal(e.isEcho("ON"), false);
    assert.equal(e.isEcho("1"), false);
    assert.equal(e.isEcho("on"), true);
  });

  it("works where every object inherits on() and emit(), as on Espruino", function () {
    const proto = Object.prototype as any;
    proto.on = function () {};
    proto.emit = function () {};
    try {
      const e = createEcho();
      e.sent("on");
      assert.equal(e.isEcho("on"), true);
      assert.equal(e.isEcho("on"), false);
      assert.equal(e.isEcho("emit"), false);
      assert.equal(T.parseCommand("on"), 1);
      assert.equal(T.parseCommand("emit"), -1);
    } finally {
      delete proto.on;
      delete proto.emit;
    }
  });

  it("forgets echoes that never came after the window", function () {
    const e = createEcho();
    e.sent("off");
    clock.tick(WINDOW_MS + 1);
    assert.equal(e.isEcho("off"), false);
  });

  it("refresh() keeps pending echoes alive across a reconnect", function () {
    const e = createEcho();
    e.sent("off");
    clock.tick(WINDOW_MS - 10);
    e.refresh();
    clock.tick(WINDOW_MS - 10);
    assert.equal(e.isEcho("off"), true);
  });
});
