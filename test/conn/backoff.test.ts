import { strict as assert } from "node:assert";
import { backoff, SLOW } from "../../src/conn/backoff";

describe("conn/backoff", function () {
  it("doubles from 1 s to a 60 s ceiling without jitter at the midpoint", function () {
    const b = backoff(() => 0.5);
    const got = Array.from({ length: 9 }, () => b.next());
    assert.deepEqual(got, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it("jitters by +-20% at the extremes of random()", function () {
    assert.equal(backoff(() => 0).next(), 800);
    assert.equal(backoff(() => 0.999999).next(), 1200);
    const lo = backoff(() => 0);
    for (let i = 0; i < 10; i++) lo.next();
    assert.equal(lo.next(), 48000);
  });

  it("stays within +-20% with Math.random", function () {
    const b = backoff(Math.random);
    const ideal = [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000];
    for (const ms of ideal) {
      const d = b.next();
      assert.ok(d >= ms * 0.8 && d <= ms * 1.2, `${d} vs ${ms}`);
    }
  });

  it("reset goes back to 1 s", function () {
    const b = backoff(() => 0.5);
    b.next();
    b.next();
    b.next();
    b.reset();
    assert.equal(b.next(), 1000);
  });

  it("slow retry is minutes, jittered, and does not advance the ladder", function () {
    const b = backoff(() => 0.5);
    assert.equal(b.slow(), SLOW);
    assert.ok(SLOW >= 60000);
    assert.equal(b.next(), 1000);
  });
});
