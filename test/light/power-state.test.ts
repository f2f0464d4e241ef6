import { strict as assert } from "node:assert";
import sinon from "sinon";
import { createPowerState, SAVE_DELAY_MS } from "../../src/light/power-state";
import { openRecord } from "../../src/store/record";
import { FakeStorage, crc } from "../store/fake-storage";
import { espruinoTimers } from "./helpers";

describe("light/power-state", function () {
  let clock: sinon.SinonFakeTimers;
  let storage: FakeStorage;
  let log: string[];
  const open = () => createPowerState(openRecord(storage, "light", 1, crc, (l) => log.push(l)), (l) => log.push(l));

  beforeEach(function () {
    clock = espruinoTimers(sinon);
    storage = new FakeStorage();
    log = [];
  });
  afterEach(function () {
    clock.restore();
  });

  it("on and off ignore flash; last is off on a fresh board", function () {
    const p = open();
    assert.equal(p.initial("on"), true);
    assert.equal(p.initial("off"), false);
    assert.equal(p.initial("last"), false);
  });

  it("saves the last state once it has been stable for the save delay, and restores it", function () {
    const p = open();
    p.changed(true, "last");
    clock.tick(SAVE_DELAY_MS - 1);
    assert.equal(storage.writes, 0);
    clock.tick(1);
    assert.equal(storage.writes, 1);
    assert.equal(open().initial("last"), true);
    assert.equal(open().initial("off"), false);
  });

  it("a minute of flipping costs one write", function () {
    const p = open();
    let on = false;
    for (let i = 0; i < 120; i++) {
      on = !on;
      p.changed(on, "last");
      clock.tick(500);
    }
    clock.tick(SAVE_DELAY_MS);
    // 120 flips end off, which equals what flash already holds: nothing to write at all.
    assert.equal(storage.writes, 0);
    p.changed(true, "last");
    clock.tick(SAVE_DELAY_MS);
    assert.equal(storage.writes, 1);
    assert.equal(open().initial("last"), true);
  });

  it("flipping back to the saved state cancels the pending write", function () {
    const p = open();
    p.changed(true, "last");
    clock.tick(1000);
    p.changed(false, "last");
    clock.tick(SAVE_DELAY_MS * 2);
    assert.equal(storage.writes, 0);
  });

  it("does not write when the power-on state is fixed", function () {
    const p = open();
    p.changed(true, "on");
    p.changed(false, "off");
    clock.tick(SAVE_DELAY_MS * 2);
    assert.equal(storage.writes, 0);
  });

  it("a failed flash write is reported and retried at the next change", function () {
    const p = open();
    storage.fail = true;
    p.changed(true, "last");
    clock.tick(SAVE_DELAY_MS);
    assert.deepEqual(log, ["light: could not save state"]);
    storage.fail = false;
    p.changed(true, "last");
    clock.tick(SAVE_DELAY_MS);
    assert.equal(open().initial("last"), true);
  });

  it("a power cut during the save keeps the previous state", function () {
    const p = open();
    p.changed(true, "last");
    clock.tick(SAVE_DELAY_MS);
    storage.cutAt = 2;
    p.changed(false, "last");
    clock.tick(SAVE_DELAY_MS);
    storage.cutAt = 0;
    assert.deepEqual(log, ["light: could not save state"]);
    assert.equal(open().initial("last"), true);
  });
});
