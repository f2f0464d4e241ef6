// The light at power-on: "on", "off", or "last" (restored from flash, saved once stable).
import { strict as assert } from "node:assert";
import sinon from "sinon";
import { createLightApp } from "../../src/light/app";
import { PowerOn } from "../../src/config";
import { flashStorage, crc } from "../support/ports";
import { FlashStorage } from "../../sim/storage";
import { StorageModule } from "../../src/ports";
import { BOARD, config, relayOn, wallSwitch, WallSwitch, byName } from "./helpers";
import { espruinoTimers } from "../support/espruino-timers";

// The app saves the light to flash once it has been stable this long (3 s).
const SAVE_DELAY_MS = 3000;

describe("light/app power-on state", function () {
  let clock: sinon.SinonFakeTimers;
  let storage: StorageModule;
  let flash: FlashStorage;
  let log: string[];
  let sw: WallSwitch;
  // An app booting on the board's storage with fresh pins.
  const boot = (power: PowerOn = "last") => {
    sw = wallSwitch(clock);
    return byName(
      createLightApp({
        pins: sw.pins,
        board: BOARD,
        storage,
        crc,
        print: (l) => log.push(l),
        info: () => ({ version: "t" }),
        config: config({ power })
      })
    );
  };

  beforeEach(function () {
    clock = espruinoTimers(sinon);
    ({ storage, flash } = flashStorage());
    log = [];
  });
  afterEach(function () {
    clock.restore();
  });

  it("on and off ignore flash; last is off on a fresh board", function () {
    boot("on");
    assert.equal(relayOn(sw), true);
    boot("off");
    assert.equal(relayOn(sw), false);
    boot("last");
    assert.equal(relayOn(sw), false);
    boot(undefined as unknown as PowerOn);
    assert.equal(relayOn(sw), false);
  });

  it("without a stored configuration, the light starts as last saved", function () {
    boot();
    sw.flip();
    clock.tick(SAVE_DELAY_MS);
    sw = wallSwitch(clock);
    byName(
      createLightApp({
        pins: sw.pins,
        board: BOARD,
        storage,
        crc,
        print: (l) => log.push(l),
        info: () => ({ version: "t" })
      })
    );
    assert.equal(relayOn(sw), true);
  });

  it("saves the last state once it has been stable for the save delay, and restores it", function () {
    boot();
    sw.flip();
    clock.tick(SAVE_DELAY_MS - 1);
    assert.equal(flash.writes, 0);
    clock.tick(1);
    assert.equal(flash.writes, 1);
    boot("last");
    assert.equal(relayOn(sw), true);
    boot("off");
    assert.equal(relayOn(sw), false);
  });

  it("a minute of flipping costs one write", function () {
    boot();
    for (let i = 0; i < 120; i++) {
      sw.flip();
      clock.tick(500);
    }
    clock.tick(SAVE_DELAY_MS);
    // 120 flips end off, which equals what flash already holds: nothing to write at all.
    assert.equal(flash.writes, 0);
    sw.flip();
    clock.tick(SAVE_DELAY_MS);
    assert.equal(flash.writes, 1);
    boot();
    assert.equal(relayOn(sw), true);
  });

  it("flipping back to the saved state cancels the pending write", function () {
    boot();
    sw.flip();
    clock.tick(1000);
    sw.flip();
    clock.tick(SAVE_DELAY_MS * 2);
    assert.equal(flash.writes, 0);
  });

  it("does not write when the power-on state is fixed", function () {
    boot("on");
    sw.flip();
    clock.tick(SAVE_DELAY_MS * 2);
    const app = boot("off");
    sw.flip();
    clock.tick(SAVE_DELAY_MS * 2);
    assert.equal(relayOn(sw), true);
    assert.equal(flash.writes, 0);
  });

  it("a failed flash write is reported and retried at the next change", function () {
    boot();
    flash.failNextWrite("false");
    sw.flip();
    clock.tick(SAVE_DELAY_MS);
    assert.deepEqual(log, ["light: state not saved"]);
    sw.flip();
    sw.flip();
    clock.tick(SAVE_DELAY_MS);
    boot();
    assert.equal(relayOn(sw), true);
  });

  it("a power cut during the save keeps the previous state", function () {
    boot();
    sw.flip();
    clock.tick(SAVE_DELAY_MS);
    flash.powerCutDuringNextWrite("data");
    sw.flip();
    clock.tick(SAVE_DELAY_MS);
    assert.deepEqual(log, ["light: state not saved"]);
    boot();
    assert.equal(relayOn(sw), true);
  });
});
