// The loader's decisions as a table: the record read at a boot (or 10 minutes after it) -> the
// record written and what runs.
import { strict as assert } from "node:assert";
import { decideBoot, decideThrow, decideTick } from "../../src/boot/decide";

describe("boot/decide", function () {
  // [what, record read, record written, what runs, the console line (undefined: none)]
  const BOOTS: [string, any, any, string, string | undefined][] = [
    ["no record (a fresh board): set a, first boot", undefined, { set: "a", tried: 0, boots: 1 }, "a", undefined],
    ["a damaged record reads as none", "garbage", { set: "a", tried: 0, boots: 1 }, "a", undefined],
    ["the confirmed set b", { set: "b", tried: 0, boots: 0 }, { set: "b", tried: 0, boots: 1 }, "b", undefined],
    [
      "an unknown set letter falls back to a",
      { set: "c", tried: 0, boots: 2 },
      { set: "a", tried: 0, boots: 3 },
      "a",
      undefined
    ],
    [
      "a trial's first boot",
      { set: "a", trial: "b", tried: 0, boots: 0 },
      { set: "a", trial: "b", tried: 1, boots: 1 },
      "b",
      "trying set b (1 of 3)"
    ],
    [
      "a trial's third boot",
      { set: "a", trial: "b", tried: 2, boots: 2 },
      { set: "a", trial: "b", tried: 3, boots: 3 },
      "b",
      "trying set b (3 of 3)"
    ],
    [
      "a trial not confirmed in 3 boots is rolled back",
      { set: "a", trial: "b", tried: 3, boots: 3 },
      { set: "a", tried: 0, boots: 4, said: "rolled back: b not confirmed in 3 boots" },
      "a",
      "rolled back: b not confirmed in 3 boots"
    ],
    [
      "a trial of the set that runs is no trial",
      { set: "b", trial: "b", tried: 1, boots: 1 },
      { set: "b", tried: 1, boots: 2 },
      "b",
      undefined
    ],
    [
      "the last outcome stays for the receiver to publish",
      { set: "b", tried: 0, boots: 0, said: "confirmed 0.2.0" },
      { set: "b", tried: 0, boots: 1, said: "confirmed 0.2.0" },
      "b",
      undefined
    ],
    [
      "5 boots without confirmation: the 6th is safe mode",
      { set: "a", tried: 0, boots: 5 },
      { set: "a", tried: 0, boots: 6 },
      "safe",
      "safe mode: 5 boots without confirmation; normal() leaves it"
    ],
    [
      "safe mode keeps counting",
      { set: "b", tried: 0, boots: 9 },
      { set: "b", tried: 0, boots: 10 },
      "safe",
      "safe mode: 9 boots without confirmation; normal() leaves it"
    ],
    [
      "safe mode keeps a trial with tries left",
      { set: "a", trial: "b", tried: 1, boots: 5 },
      { set: "a", trial: "b", tried: 1, boots: 6 },
      "safe",
      "safe mode: 5 boots without confirmation; normal() leaves it"
    ],
    [
      "a trial out of tries is rolled back before safe mode",
      { set: "a", trial: "b", tried: 3, boots: 5 },
      { set: "a", tried: 0, boots: 6, said: "rolled back: b not confirmed in 3 boots" },
      "safe",
      "safe mode: 5 boots without confirmation; normal() leaves it"
    ],
    [
      "4 boots without confirmation: still the set",
      { set: "a", tried: 0, boots: 4 },
      { set: "a", tried: 0, boots: 5 },
      "a",
      undefined
    ]
  ];
  for (const [what, read, written, run, say] of BOOTS) {
    it(what, function () {
      const d = decideBoot(read);
      assert.deepEqual(d.r, written);
      assert.equal(d.run, run);
      assert.equal(d.say, say);
    });
  }

  it("a trial that throws at boot is rolled back at once, with the reason kept for the receiver", function () {
    const r = decideBoot({ set: "a", trial: "b", tried: 0, boots: 0 }).r;
    assert.deepEqual(decideThrow(r, "b", "Error: boom"), {
      set: "a",
      tried: 0,
      boots: 1,
      said: "rolled back: b failed at boot: Error: boom"
    });
  });

  it("a long error is cut to 60 characters in the record", function () {
    const r = decideBoot({ set: "a", trial: "b", tried: 0, boots: 0 }).r;
    assert.equal(decideThrow(r, "b", "x".repeat(500))!.said, "rolled back: b failed at boot: " + "x".repeat(60));
  });

  it("the confirmed set throwing changes nothing (the restart counts a boot towards safe mode)", function () {
    const r = decideBoot({ set: "a", tried: 0, boots: 2 }).r;
    assert.equal(decideThrow(r, "a", "Error: boom"), undefined);
    assert.equal(decideThrow(r, "safe", "Error: boom"), undefined);
    assert.equal(decideThrow(undefined, "a", "Error: boom"), undefined, "no record: nothing to roll back");
  });

  // [what, record read 10 minutes after the boot, the decision]
  const TICKS: [string, any, any][] = [
    ["a trial still on trial restarts", { set: "a", trial: "b", tried: 1, boots: 1 }, { restart: true }],
    ["a confirmed set resets its boots", { set: "b", tried: 0, boots: 4 }, { r: { set: "b", tried: 0, boots: 0 } }],
    [
      "... and keeps the last outcome",
      { set: "b", tried: 0, boots: 1, said: "rolled back: x" },
      { r: { set: "b", tried: 0, boots: 0, said: "rolled back: x" } }
    ],
    ["a confirmed set with no boots to reset writes nothing", { set: "b", tried: 0, boots: 0 }, {}],
    ["no record: nothing", undefined, {}]
  ];
  for (const [what, read, decision] of TICKS) {
    it("10 minutes on: " + what, function () {
      assert.deepEqual(decideTick(read), decision);
    });
  }
});
