import { strict as assert } from "node:assert";
import { createRelay } from "../../src/light/relay";
import { watchSwitch, DEBOUNCE_MS } from "../../src/light/switch";
import { SwitchMode } from "../../src/config";
import { FakePins } from "./fake-pins";

describe("light/relay", function () {
  for (const [activeLow, initial, level] of [
    [false, false, 0],
    [false, true, 1],
    [true, false, 1],
    [true, true, 0]
  ] as const) {
    it(`boots ${initial ? "on" : "off"} (active-${activeLow ? "low" : "high"}) with the level set before output mode`, function () {
      const pins = new FakePins();
      const relay = createRelay(pins, "D12", activeLow, initial);
      assert.deepEqual(pins.log, [`write D12 ${level}`, "mode D12 output"]);
      assert.equal(relay.on, initial);
    });
  }

  it("drives the pin, inverted when active-low", function () {
    const pins = new FakePins();
    const relay = createRelay(pins, "D5", true, false);
    relay.set(true);
    assert.equal(pins.levels.D5, false);
    assert.equal(relay.on, true);
    relay.set(false);
    assert.equal(pins.levels.D5, true);
  });
});

describe("light/switch", function () {
  function setup(mode: SwitchMode, pressedLow = true) {
    const pins = new FakePins();
    pins.levels.D0 = pressedLow; // released
    let flips = 0;
    watchSwitch(pins, "D0", pressedLow, () => mode, () => flips++);
    return { pins, flips: () => flips };
  }

  it("watches the pin with a ~50 ms debounce, as an input", function () {
    const { pins } = setup("toggle");
    assert.equal(pins.watches.length, 1);
    assert.equal(pins.watches[0].debounce, DEBOUNCE_MS);
    assert.equal(DEBOUNCE_MS, 50);
    assert.match(pins.modes.D0, /^input/);
  });

  for (const mode of ["toggle", "detached"] as const) {
    it(`${mode}: every change of level is one flip, repeats of a level are not`, function () {
      const s = setup(mode);
      s.pins.set("D0", false);
      s.pins.set("D0", false);
      s.pins.set("D0", true);
      s.pins.set("D0", false);
      assert.equal(s.flips(), 3);
    });
  }

  it("button: only the press edge flips (pressed = low)", function () {
    const s = setup("button");
    s.pins.set("D0", false); // press
    s.pins.set("D0", true); // release
    s.pins.set("D0", false);
    s.pins.set("D0", true);
    assert.equal(s.flips(), 2);
  });

  it("button: only the press edge flips (pressed = high)", function () {
    const s = setup("button", false);
    s.pins.set("D0", true); // press
    assert.equal(s.flips(), 1);
    s.pins.set("D0", false); // release
    assert.equal(s.flips(), 1);
  });

  it("reads the mode at each edge, so a new configuration applies at once", function () {
    const pins = new FakePins();
    let mode: SwitchMode = "button";
    let flips = 0;
    watchSwitch(pins, "D0", true, () => mode, () => flips++);
    pins.set("D0", false);
    pins.set("D0", true);
    assert.equal(flips, 1);
    mode = "toggle";
    pins.set("D0", false);
    pins.set("D0", true);
    assert.equal(flips, 3);
  });
});
