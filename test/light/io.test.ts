import { strict as assert } from "node:assert";
import sinon from "sinon";
import { createLed, output, watchSwitch } from "../../src/light/io";
import { FakePins } from "./fake-pins";
import { espruinoTimers } from "./helpers";

describe("light/io: relay output", function () {
  for (const [activeLow, initial, level] of [
    [false, false, 0],
    [false, true, 1],
    [true, false, 1],
    [true, true, 0]
  ] as const) {
    it(`boots ${initial ? "on" : "off"} (active-${activeLow ? "low" : "high"}) with the level set before output mode`, function () {
      const pins = new FakePins();
      output(pins, "D12", activeLow, initial);
      assert.deepEqual(pins.log, [`write D12 ${level}`, "mode D12 output"]);
      assert.equal(pins.levels.D12, level === 1);
    });
  }

  it("drives the pin, inverted when active-low", function () {
    const pins = new FakePins();
    const relay = output(pins, "D5", true, false);
    relay(true);
    assert.equal(pins.levels.D5, false);
    relay(false);
    assert.equal(pins.levels.D5, true);
  });
});

describe("light/io: switch", function () {
  function setup(pressedLow = true) {
    const pins = new FakePins();
    pins.levels.D0 = pressedLow; // released
    const changes: boolean[] = [];
    watchSwitch(pins, "D0", pressedLow, (pressed) => changes.push(pressed));
    return { pins, changes };
  }

  it("watches the pin with a 50 ms debounce, as an input (pulled up when pressed is low)", function () {
    const { pins } = setup();
    assert.equal(pins.watches.length, 1);
    assert.equal(pins.watches[0].debounce, 50);
    assert.equal(pins.modes.D0, "input_pullup");
    assert.equal(setup(false).pins.modes.D0, "input");
  });

  it("reports every change of level once, repeats of a level not at all", function () {
    const s = setup();
    s.pins.set("D0", false);
    s.pins.set("D0", false);
    s.pins.set("D0", true);
    s.pins.set("D0", false);
    assert.equal(s.changes.length, 3);
  });

  it("tells the press from the release (pressed = low)", function () {
    const s = setup();
    s.pins.set("D0", false); // press
    s.pins.set("D0", true); // release
    assert.deepEqual(s.changes, [true, false]);
  });

  it("tells the press from the release (pressed = high)", function () {
    const s = setup(false);
    s.pins.set("D0", true); // press
    assert.deepEqual(s.changes, [true]);
    s.pins.set("D0", false); // release
    assert.deepEqual(s.changes, [true, false]);
  });
});

describe("light/io: status LED", function () {
  let clock: sinon.SinonFakeTimers;
  let light: boolean;
  beforeEach(() => {
    clock = espruinoTimers(sinon);
    light = false;
  });
  afterEach(() => clock.restore());
  const led = (pins: FakePins, activeLow: boolean) => createLed(pins, "D13", activeLow, () => light);

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
    led(pins, true);
    assert.deepEqual(pins.log, ["write D13 1", "mode D13 output"]);
  });

  it("blinks at 500 ms joining Wi-Fi, 100 ms looking for the broker, 1 s Offline", function () {
    const pins = new FakePins();
    const show = led(pins, true);
    show("Disconnected");
    assert.equal(sample(pins, 2000, 500), "1010");
    show("LookingForBroker");
    assert.equal(sample(pins, 400, 100), "1010");
    show("Offline");
    assert.equal(sample(pins, 4000, 1000), "1010");
  });

  it("follows the light when Active, and stops blinking", function () {
    const pins = new FakePins();
    const show = led(pins, false);
    show("LookingForBroker");
    light = true;
    show();
    show("Active");
    const writes = pins.log.length;
    clock.tick(1000);
    assert.equal(pins.log.length, writes);
    assert.equal(pins.levels.D13, true);
    light = false;
    show();
    assert.equal(pins.levels.D13, false);
  });

  it("a light change while blinking does not disturb the blink", function () {
    const pins = new FakePins();
    const show = led(pins, true);
    show("Disconnected");
    light = true;
    show();
    assert.equal(sample(pins, 2000, 500), "1010");
  });
});
