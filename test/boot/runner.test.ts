// The loader's effects on a real in-memory Storage (the simulator's, of the board's shape): boots in
// a row, each as src/boot/tail.ts performs the choice, with the sets' boot code stood in by what
// each test says it does (runs, or throws); the boot record read back with the firmware's own
// openRecord.
import { strict as assert } from "node:assert";
import { boot, failed, tick, LoaderDeps } from "../../src/boot/runner";
import { openRecord } from "../../src/store/record";
import { BOOT_RECORD, BootRecord, CONFIRM_MS } from "../../src/boot/boot-record";
import { flashStorage, crc } from "../support/ports";
import { FlashStorage } from "../../sim/storage";
import { StorageModule } from "../../src/ports";

describe("boot/runner", function () {
  let storage: StorageModule;
  let flash: FlashStorage;
  let printed: string[];
  let restarts: number;
  // What each Storage file's boot code does when evaluated: its name is put in `ran`, and "throw"
  // makes it throw.
  let ran: string[];
  const behaviour: { [file: string]: "run" | "throw" } = {};
  const deps = (): LoaderDeps => ({ storage, crc, print: (l) => printed.push(l), restart: () => restarts++ });
  const record = (): BootRecord => openRecord(storage, BOOT_RECORD, 1, crc, () => {}).read();
  const write = (r: BootRecord) => assert.ok(openRecord(storage, BOOT_RECORD, 1, crc, () => {}).write(r));

  // One power-on, as the tail performs the choice (and hands an error to TICK_FILE, which calls
  // failed()); the tick's delay it would set (0: none).
  function powerOn(): number {
    const c = boot(deps());
    if (c.f) {
      try {
        ran.push(c.f);
        if (behaviour[c.f] === "throw") throw new Error("boom in " + c.f);
      } catch (e) {
        c.e = e;
        failed(deps(), c);
      }
    }
    return c.t;
  }

  beforeEach(function () {
    ({ storage, flash } = flashStorage());
    for (const f of ["ln.a.boot", "ln.b.boot", "ln.safe"]) flash.put(f, "code of " + f);
    for (const k of Object.keys(behaviour)) delete behaviour[k];
    printed = [];
    restarts = 0;
    ran = [];
  });

  it("a fresh board runs set a, records the boot, and sets the tick for 10 minutes", function () {
    assert.equal(powerOn(), CONFIRM_MS);
    assert.deepEqual(ran, ["ln.a.boot"]);
    assert.deepEqual(record(), { set: "a", tried: 0, boots: 1 });
    assert.deepEqual(printed, []);
    assert.equal(restarts, 0);
  });

  it("a trial whose boot code throws is rolled back at once, says so, and the next boot runs the confirmed set", function () {
    write({ set: "a", trial: "b", tried: 0, boots: 0 });
    behaviour["ln.b.boot"] = "throw";
    powerOn();
    assert.deepEqual(ran, ["ln.b.boot"]);
    assert.equal(restarts, 1);
    assert.deepEqual(record(), {
      set: "a",
      tried: 0,
      boots: 1,
      said: "rolled back: b failed at boot: Error: boom in ln.b.boot"
    });
    assert.deepEqual(printed, [
      "[boot] trying set b (1 of 3)",
      "[boot] ln.b.boot failed: Error: boom in ln.b.boot",
      "[boot] rolled back: b failed at boot: Error: boom in ln.b.boot"
    ]);
    powerOn();
    assert.deepEqual(ran, ["ln.b.boot", "ln.a.boot"]);
    assert.equal(record().boots, 2);
  });

  it("a trial that is missing is rolled back as one that throws", function () {
    write({ set: "a", trial: "b", tried: 0, boots: 0 });
    flash.remove("ln.b.boot");
    assert.equal(powerOn(), 0);
    assert.deepEqual(ran, []);
    assert.equal(restarts, 1);
    assert.equal(record().said, "rolled back: b failed at boot: missing");
  });

  it("a trial never confirmed: 3 boots of it (each restarted by its tick), then the confirmed set, said so", function () {
    write({ set: "b", trial: "a", tried: 0, boots: 0 });
    for (let n = 1; n <= 3; n++) {
      assert.equal(powerOn(), CONFIRM_MS);
      tick(deps());
      assert.equal(restarts, n, "the tick restarts the trial");
    }
    powerOn();
    assert.deepEqual(ran, ["ln.a.boot", "ln.a.boot", "ln.a.boot", "ln.b.boot"]);
    assert.deepEqual(record(), { set: "b", tried: 0, boots: 4, said: "rolled back: a not confirmed in 3 boots" });
    assert.ok(printed.includes("[boot] rolled back: a not confirmed in 3 boots"));
    assert.ok(printed.includes("[boot] not confirmed within 10 minutes: restarting"));
  });

  it("a confirmed trial (the receiver's write) is not restarted by its tick", function () {
    write({ set: "a", trial: "b", tried: 0, boots: 0 });
    powerOn();
    write({ set: "b", tried: 0, boots: 0, said: "confirmed 0.2.0" });
    tick(deps());
    assert.equal(restarts, 0);
    assert.deepEqual(record(), { set: "b", tried: 0, boots: 0, said: "confirmed 0.2.0" });
  });

  it("5 boots without confirmation, the 6th is safe mode (no tick); the tick of a set that ran 10 minutes resets the count", function () {
    for (let n = 1; n <= 5; n++) powerOn();
    assert.equal(powerOn(), 0);
    assert.deepEqual(ran, ["ln.a.boot", "ln.a.boot", "ln.a.boot", "ln.a.boot", "ln.a.boot", "ln.safe"]);
    assert.deepEqual(printed, ["[boot] safe mode: 5 boots without confirmation; normal() leaves it"]);
    write({ set: "a", tried: 0, boots: 0 });
    powerOn();
    tick(deps());
    assert.deepEqual(record(), { set: "a", tried: 0, boots: 0 });
    for (let n = 1; n <= 5; n++) powerOn();
    assert.equal(ran[ran.length - 1], "ln.a.boot", "5 boots since the reset: still the set");
  });

  it("the confirmed set throwing restarts (a boot counted each time) until safe mode", function () {
    behaviour["ln.a.boot"] = "throw";
    for (let n = 1; n <= 6; n++) powerOn();
    assert.equal(restarts, 5);
    assert.equal(ran[5], "ln.safe");
    assert.deepEqual(record(), { set: "a", tried: 0, boots: 6 });
  });

  it("safe mode that throws says so and restarts nothing (the console stays)", function () {
    behaviour["ln.safe"] = "throw";
    write({ set: "a", tried: 0, boots: 5 });
    assert.equal(powerOn(), 0);
    assert.equal(restarts, 0);
    assert.ok(printed.includes("[boot] ln.safe failed: Error: boom in ln.safe"));
  });

  it("safe mode without its file says so and restarts nothing", function () {
    flash.remove("ln.safe");
    write({ set: "a", tried: 0, boots: 5 });
    assert.equal(powerOn(), 0);
    assert.deepEqual(ran, []);
    assert.equal(restarts, 0);
    assert.ok(printed.includes("[boot] ln.safe missing: run npm run flash"));
  });

  // A cut while the boot record is written leaves the old record or the new one: the boot before
  // is not lost, nor the set to run.
  for (const at of ["erase", "data"] as const) {
    it(`a power cut at step ${at} of the boot's record write keeps the previous record and the set`, function () {
      write({ set: "b", tried: 0, boots: 2 });
      powerOn();
      flash.powerCutDuringNextWrite(at);
      powerOn();
      assert.deepEqual(record(), { set: "b", tried: 0, boots: 3 });
      powerOn();
      assert.deepEqual(record(), { set: "b", tried: 0, boots: 4 });
      assert.deepEqual(
        ran.filter((f) => f !== "ln.b.boot"),
        []
      );
    });
  }
});
