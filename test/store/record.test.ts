import { strict as assert } from "node:assert";
import { openRecord } from "../../src/store/record";
import { flashStorage, crc } from "../support/ports";
import { FlashStorage } from "../../sim/storage";
import { StorageModule } from "../../src/ports";

describe("store/record", function () {
  let storage: StorageModule;
  let flash: FlashStorage;
  let log: string[];
  const open = (version = 1) => openRecord(storage, "cfg", version, crc, (l) => log.push(l));

  beforeEach(function () {
    ({ storage, flash } = flashStorage());
    log = [];
  });

  it("reads nothing, silently, from empty flash", function () {
    assert.equal(open().read(), undefined);
    assert.deepEqual(log, []);
  });

  it("round-trips data and alternates slots with rising seq", function () {
    const r = open();
    assert.equal(r.write({ a: 1 }), true);
    assert.equal(r.write({ a: 2 }), true);
    assert.equal(r.write({ a: 3 }), true);
    assert.deepEqual(open().read(), { a: 3 });
    assert.deepEqual(flash.names().sort(), ["cfg.0", "cfg.1"]);
    assert.equal(JSON.parse(flash.get("cfg.0")!).s, 3);
    assert.equal(JSON.parse(flash.get("cfg.1")!).s, 2);
  });

  // Every step at which power can fail during a write, from one and from two existing records:
  // after the old file was erased, and half-way through the new one's data.
  for (const before of [1, 2]) {
    for (const step of ["erase", "data"] as const) {
      it(`a power cut at step ${step} of a write over ${before} record(s) keeps the old record`, function () {
        const r = open();
        for (let i = 1; i <= before; i++) assert.equal(r.write({ n: i }), true);
        flash.powerCutDuringNextWrite(step);
        assert.equal(open().write({ n: 99 }), false);
        assert.deepEqual(open().read(), { n: before });
        // The next write succeeds and wins.
        assert.equal(open().write({ n: 100 }), true);
        assert.deepEqual(open().read(), { n: 100 });
      });
    }
  }

  it("a failed write returns false and leaves the old record", function () {
    open().write({ n: 1 });
    flash.failNextWrite("false");
    assert.equal(open().write({ n: 2 }), false);
    assert.deepEqual(open().read(), { n: 1 });
  });

  it("rejects a bad checksum and falls back to the other slot, saying why", function () {
    const r = open();
    r.write({ n: 1 });
    r.write({ n: 2 });
    flash.put("cfg.1", flash.get("cfg.1")!.replace('\\"n\\":2', '\\"n\\":7'));
    assert.deepEqual(open().read(), { n: 1 });
    assert.deepEqual(log, ["cfg.1: checksum"]);
  });

  it("rejects corrupt JSON and truncated files", function () {
    open().write({ n: 1 });
    flash.put("cfg.0", "\xff\xff{");
    flash.put("cfg.1", '{"v":1,"s":9');
    assert.equal(open().read(), undefined);
    assert.deepEqual(log, ["cfg.0: corrupt", "cfg.1: corrupt"]);
  });

  it("rejects a record of another version", function () {
    open(1).write({ n: 1 });
    assert.equal(open(2).read(), undefined);
    assert.deepEqual(log, ["cfg.0: version"]);
  });

  it("does not overwrite the newest valid record when the other slot is corrupt", function () {
    const r = open();
    r.write({ n: 1 });
    r.write({ n: 2 }); // slot 1
    flash.put("cfg.0", "garbage");
    assert.equal(open().write({ n: 3 }), true);
    assert.equal(JSON.parse(JSON.parse(flash.get("cfg.0")!).d).n, 3);
    assert.deepEqual(open().read(), { n: 3 });
  });

  it("erase removes both slots", function () {
    const r = open();
    r.write({ n: 1 });
    r.write({ n: 2 });
    r.erase();
    assert.deepEqual(storage.list(), []);
    assert.equal(open().read(), undefined);
  });
});
