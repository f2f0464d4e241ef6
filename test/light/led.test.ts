import { strict as assert } from "node:assert";
import sinon from "sinon";
import { createLed } from "../../src/light/led";
import { FakePins } from "./fake-pins";
import { espruinoTimers } from "./helpers";

describe("light/led", function () {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = espruinoTimers(sinon)));
  afterEach(() => clock.restore());

  // The LED's lit/unlit level (active-low: lit = low), sampled every `step` ms for `ms`.
  function sample(pins: FakePins, ms: number, step: number) {
    const out: number[] = [];
    for (let t = 0; t < ms; t += step) {
      clock.tick(step);
      out.push(pins.levels.D13 ? 0 : 1);
    }
    return out.join("");
  }

  it("boots unlit, level before output mode", function () {
    const pins = new FakePins();
    createLed(pins, "D13", true);
    assert.deepEqual(pins.log, ["write D13 1", "mode D13 output"]);
  });

  it("blinks at 500 ms joining Wi-Fi, 100 ms looking for the broker, 1 s Offline", function () {
    const pins = new FakePins();
    const led = createLed(pins, "D13", true);
    led.state("Disconnected");
    assert.equal(sample(pins, 2000, 500), "1010");
    led.state("LookingForBroker");
    assert.equal(sample(pins, 400, 100), "1010");
    led.state("Offline");
    assert.equal(sample(pins, 4000, 1000), "1010");
  });

  it("follows the light when Active, and stops blinking", function () {
    const pins = new FakePins();
    const led = createLed(pins, "D13", false);
    led.state("LookingForBroker");
    led.light(true);
    led.state("Active");
    const writes = pins.log.length;
    clock.tick(1000);
    assert.equal(pins.log.length, writes);
    assert.equal(pins.levels.D13, true);
    led.light(false);
    assert.equal(pins.levels.D13, false);
  });

  it("a light change while blinking does not disturb the blink", function () {
    const pins = new FakePins();
    const led = createLed(pins, "D13", true);
    led.state("Disconnected");
    led.light(true);
    assert.equal(sample(pins, 2000, 500), "1010");
  });
});
