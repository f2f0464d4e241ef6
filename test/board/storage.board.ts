// Flash wear on espruino-esp8266-1mb (16 KB of Storage, the firmware's files taking 12 KB of it):
// 300 configuration saves and 300 light saves in a row, each acknowledged, then a power cut, and
// every one of them kept. What is checked is what the console and the pins show, not how the store
// lays its records out.
import { strict as assert } from "node:assert";
import { Board, FAST_TIMERS, forShapes, LIGHT_SAVED_MS, SAVED, sleep } from "./harness";

const SAVES = 300;
const BROKEN = /Storage is corrupt|Erasing Storage|missing or damaged|not saved|error:|Uncaught|OUT OF MEMORY/;

forShapes(["1mb"], "board: Storage wear (16 KB)", function () {
  this.timeout(300000);
  let b: Board;

  before(async () => {
    b = await Board.start();
    await b.configure();
  });
  after(async () => {
    if (b) await b.stop();
  });

  it(`${SAVES} configuration saves in a row, then a power cut: the last one kept`, async () => {
    b.i.skip();
    b.i.line("offline()");
    await b.i.waitFor(/-> Offline/);
    const from = b.i.output.length;
    for (let n = 0; n < SAVES; n++) {
      b.i.skip();
      b.i.line(`\x10config({keepalive:${10 + (n % 50)}})`);
      await b.i.waitFor(SAVED);
    }
    const last = 10 + ((SAVES - 1) % 50);
    assert.doesNotMatch(b.i.output.slice(from), BROKEN);
    await b.powerCut();
    await b.active();
    assert.doesNotMatch(b.i.output, BROKEN);
    b.i.skip();
    b.i.line("config()");
    const shown = await b.i.waitFor(/\{.*\}/);
    assert.match(shown[0], new RegExp(`"keepalive":${last}\\b`));
    await b.flipByCommand();
  });

  it(`${SAVES} light saves in a row (wall switch), then a power cut: the last state kept`, async () => {
    b.i.skip();
    b.i.line("offline()");
    await b.i.waitFor(/-> Offline/);
    b.i.type(FAST_TIMERS);
    const from = b.i.output.length;
    const first = b.relay();
    // An odd count, so that the state kept differs from the one before them.
    for (let n = 0; n < SAVES + 1; n++) {
      const before = b.relay();
      b.i.skip();
      await b.i.eval("BENCH.flip(1-BENCH.level),1");
      const m = await b.i.waitFor(/#R([01])/);
      assert.equal(+m[1], 1 - before);
      await sleep(LIGHT_SAVED_MS);
    }
    const last = b.relay();
    assert.equal(last, 1 - first);
    assert.doesNotMatch(b.i.output.slice(from), BROKEN);
    await b.powerCut();
    await b.active();
    assert.doesNotMatch(b.i.output, BROKEN);
    assert.match(b.i.output, new RegExp(`#R${last}`));
    assert.doesNotMatch(b.i.output, new RegExp(`#R${1 - last}`));
    await b.flipByCommand();
  });
});
