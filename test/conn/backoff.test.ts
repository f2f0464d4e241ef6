import { strict as assert } from "node:assert";
import { backoff as delay, SLOW } from "../../src/conn/runner";

// The delays of one random source, as the runner computes them.
const backoff = (random: () => number) => (n: number) => delay(n, random);

describe("conn/backoff", function () {
  it("doubles from 1 s to a 60 s ceiling without jitter at the midpoint", function () {
    const b = backoff(() => 0.5);
    const got = Array.from({ length: 9 }, (_, n) => b(n));
    assert.deepEqual(got, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it("jitters by +-20% at the extremes of random()", function () {
    assert.equal(backoff(() => 0)(0), 800);
    assert.equal(backoff(() => 0.999999)(0), 1200);
    assert.equal(backoff(() => 0)(10), 48000);
    assert.equal(backoff(() => 0)(1000), 48000);
  });

  it("stays within +-20% with Math.random", function () {
    const b = backoff(Math.random);
    const ideal = [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000];
    ideal.forEach((ms, n) => {
      const d = b(n);
      assert.ok(d >= ms * 0.8 && d <= ms * 1.2, `${d} vs ${ms}`);
    });
  });

  it("has no hidden state: retry 0 (after a reset) is 1 s again", function () {
    const b = backoff(() => 0.5);
    b(0);
    b(1);
    b(2);
    assert.equal(b(0), 1000);
  });

  it("slow retry is minutes, jittered, and does not advance the ladder", function () {
    const b = backoff(() => 0.5);
    assert.equal(b(-1), SLOW);
    assert.equal(backoff(() => 0)(-1), SLOW * 0.8);
    assert.ok(SLOW >= 60000);
    assert.equal(b(0), 1000);
  });
});
