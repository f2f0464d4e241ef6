// The light's pins as the app drives them: relay and LED levels written before output mode, the
// wall switch watched with a debounce, the LED's blink patterns per connectivity state.
import { strict as assert } from "node:assert";
import sinon from "sinon";
import { createLightApp } from "../../src/light/app";
import { boardPins, flashStorage, crc } from "../support/ports";
import { Pins as SimPins } from "../../sim/pins";
import { Pins } from "../../src/ports";
import { BOARD, config, msg, byName } from "./helpers";
import { espruinoTimers } from "../support/espruino-timers";

describe("light/app pins", function () {
  let clock: sinon.SinonFakeTimers;
  let pins: Pins;
  let wire: SimPins;
  let log: string[];
  // Fresh pins, the wall switch's input held high.
  const fresh = () => ({ pins, wire, log } = boardPins(clock, { D0: true }));
  beforeEach(() => {
    clock = espruinoTimers(sinon);
    fresh();
  });
  afterEach(() => clock.restore());
  const make = (board: Partial<typeof BOARD> = {}, power: "on" | "off" = "off") =>
    byName(
      createLightApp({
        pins,
        board: { ...BOARD, ...board },
        storage: flashStorage().storage,
        crc,
        print: () => {},
        info: () => ({ version: "t" }),
        config: config({ power })
      })
    );
  const on = (pin: string) => log.filter((l) => l.includes(pin + " "));

  describe("relay", function () {
    for (const [activeLow, initial, level] of [
      [false, false, 0],
      [false, true, 1],
      [true, false, 1],
      [true, true, 0]
    ] as const) {
      it(`boots ${initial ? "on" : "off"} (active-${activeLow ? "low" : "high"}) with the level set before output mode`, function () {
        make({ relayActiveLow: activeLow }, initial ? "on" : "off");
        assert.deepEqual(on("D12"), [`write D12 ${level}`, "mode D12 output"]);
        assert.equal(wire.level("D12"), level === 1);
      });
    }

    it("drives the pin, inverted when active-low", function () {
      const app = make({ relayActiveLow: true });
      app.onMessage(msg("living_room_lights", "on"));
      assert.equal(wire.level("D12"), false);
      app.onMessage(msg("living_room_lights", "off"));
      assert.equal(wire.level("D12"), true);
    });
  });

  describe("switch", function () {
    it("watches the pin with a 50 ms debounce, as an input (pulled up when pressed is low)", function () {
      make();
      assert.equal(wire.watchesOn().length, 1);
      assert.equal(wire.watchesOn()[0].pin, "D0");
      assert.equal(wire.watchesOn()[0].debounce, 50);
      assert.equal(wire.mode("D0"), "input_pullup");
      fresh();
      make({ buttonPressedLow: false });
      assert.equal(wire.mode("D0"), "input");
    });
  });

  describe("status LED", function () {
    // The LED's lit/unlit level (active-low: lit = low), sampled every `step` ms for `ms`.
    function sample(ms: number, step: number) {
      const out: number[] = [];
      for (let t = 0; t < ms; t += step) {
        clock.tick(step);
        out.push(wire.level("D13") ? 0 : 1);
      }
      return out.join("");
    }

    for (const power of ["off", "on"] as const) {
      it(`boots showing the light (${power}), level before output mode`, function () {
        make({}, power);
        assert.deepEqual(on("D13"), [`write D13 ${power == "on" ? 0 : 1}`, "mode D13 output"]);
      });
    }

    it("blinks at 500 ms joining Wi-Fi, 100 ms looking for the broker, 1 s Offline", function () {
      const app = make();
      app.onState("Disconnected");
      assert.equal(sample(2000, 500), "1010");
      app.onState("LookingForBroker");
      assert.equal(sample(400, 100), "1010");
      app.onState("Offline");
      assert.equal(sample(4000, 1000), "1010");
    });

    it("follows the light when Active, and stops blinking", function () {
      const app = make({ ledActiveLow: false });
      app.onState("LookingForBroker");
      app.onMessage(msg("living_room_lights", "on"));
      app.onState("Active");
      const writes = on("D13").length;
      clock.tick(1000);
      assert.equal(on("D13").length, writes);
      assert.equal(wire.level("D13"), true);
      app.onMessage(msg("living_room_lights", "off"));
      assert.equal(wire.level("D13"), false);
    });

    it("a light change while blinking does not disturb the blink", function () {
      const app = make();
      app.onState("Disconnected");
      app.onMessage(msg("living_room_lights", "on"));
      assert.equal(sample(2000, 500), "1010");
    });
  });
});
