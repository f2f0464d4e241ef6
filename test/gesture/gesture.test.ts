// The wall switch's gestures (issue 21): the pure step (src/gesture/gesture.ts) row by row, then
// its runner (src/gesture/entry.ts, the function the Storage file holds) on the simulated board's
// pins and Espruino's timers over a fake clock, edges debounced by the pins' setWatch (50 ms) as
// the app watches them, with contact bounce on every edge and inside a gesture.
import { strict as assert } from "node:assert";
import sinon from "sinon";
import { Edge, G, gesture, HOLD_MS, WINDOW_MS } from "../../src/gesture/gesture";
import run, { Held } from "../../src/gesture/entry";
import { boardPins } from "../support/ports";
import { espruinoTimers } from "../support/espruino-timers";

describe("gesture: the step", function () {
  // The rows of gesture.ts's table: state, input -> next state, said, timer.
  const ROWS: [G, Edge, G, string, number][] = [
    [G.IDLE, Edge.PRESS, G.DOWN, "", HOLD_MS],
    [G.DOWN, Edge.RELEASE, G.UP, "", WINDOW_MS],
    [G.DOWN, Edge.TIMEOUT, G.DONE, "hold", 0],
    [G.UP, Edge.PRESS, G.DONE, "double", 0],
    [G.UP, Edge.TIMEOUT, G.IDLE, "single", 0],
    [G.DONE, Edge.RELEASE, G.IDLE, "", 0],
    // A release seen first (gestures switched on with the button held), and timeouts with no timer
    // armed: back to IDLE, nothing said.
    [G.IDLE, Edge.RELEASE, G.IDLE, "", 0],
    [G.IDLE, Edge.TIMEOUT, G.IDLE, "", 0],
    [G.DONE, Edge.TIMEOUT, G.IDLE, "", 0]
  ];
  for (const [s, e, next, said, ms] of ROWS)
    it(`${G[s]} + ${Edge[e]} -> ${G[next]}${said ? ", says " + said : ""}${ms ? ", arms " + ms + " ms" : ""}`, () =>
      assert.deepEqual(gesture(s, e), [next, said, ms]));

  it("times a hold at about 1 s and the double-press window at about 300 ms", () =>
    assert.deepEqual([HOLD_MS, WINDOW_MS], [1000, 300]));
});

describe("gesture: timing on the simulated pins", function () {
  const DEBOUNCE = 50;
  let clock: sinon.SinonFakeTimers;
  let wire: ReturnType<typeof boardPins>["wire"];
  // What was said, with the time (ms since the test started), and what the app would hold.
  let said: string[];
  let held: Held;

  // The switch as the app watches it (src/light/app.ts, onSwitch): D0 pressed = low, debounced by
  // setWatch, repeats of a level dropped; each press and release goes to the runner with what is
  // held, and `out` keeps what it hands back.
  beforeEach(() => {
    clock = espruinoTimers(sinon);
    const board = boardPins(clock, { D0: true });
    wire = board.wire;
    said = [];
    held = 0;
    let level = 1;
    board.pins.watch(
      (e) => {
        const now = +e.state;
        if (now == level) return;
        level = now;
        run(now ? Edge.RELEASE : Edge.PRESS, held, (h, s) => {
          held = h;
          if (s) said.push(`${s}@${Date.now()}`);
        });
      },
      "D0",
      { repeat: true, edge: "both", debounce: DEBOUNCE }
    );
  });
  afterEach(() => clock.restore());

  // The clock moves 1 ms at a time: the watch's callback is deferred (a microtask, as Espruino runs
  // it after the code that saw the edge) and must run at the time it was due, before the next timer.
  async function advance(ms: number) {
    for (let i = 0; i < ms; i++) await clock.tickAsync(1);
  }

  // The contact moves to `low` (pressed) or back, bouncing `bounces` times 2 ms apart first, then
  // stays there for `ms` (from its first movement).
  async function contact(pressed: boolean, ms: number, bounces = 3) {
    const t = Date.now();
    for (let i = 0; i < bounces; i++) {
      wire.set("D0", !pressed);
      await advance(2);
      wire.set("D0", pressed);
      await advance(2);
    }
    wire.set("D0", !pressed);
    await advance(ms - (Date.now() - t));
  }
  const press = (ms: number, bounces?: number) => contact(true, ms, bounces);
  const release = (ms: number, bounces?: number) => contact(false, ms, bounces);

  // A bouncing press is heard once settled: 12 ms of bounce, then the debounce.
  const SETTLED = 12 + DEBOUNCE;

  it("a short press is a single, said once the window after its release has passed", async () => {
    await press(150);
    await release(1000);
    assert.deepEqual(said, [`single@${150 + SETTLED + WINDOW_MS}`]);
    assert.equal(held, 0, "nothing held once the gesture is over");
  });

  it("two presses within the window are one double, said at the second press, and no single", async () => {
    await press(120);
    await release(150);
    await press(120);
    await release(1500);
    assert.deepEqual(said, [`double@${270 + SETTLED}`]);
    assert.equal(held, 0);
  });

  it("a press held 1 s is a hold, said while it is held; its release says nothing more", async () => {
    await press(1500);
    assert.deepEqual(said, [`hold@${SETTLED + HOLD_MS}`]);
    assert.notEqual(held, 0, "held until the button is let go");
    await release(1000);
    assert.deepEqual(said, [`hold@${SETTLED + HOLD_MS}`]);
    assert.equal(held, 0);
  });

  it("a press let go just before 1 s is no hold but a single", async () => {
    await press(HOLD_MS - 20);
    await release(1000);
    assert.deepEqual(said, [`single@${HOLD_MS - 20 + SETTLED + WINDOW_MS}`]);
  });

  it("presses further apart than the window are singles, each said once", async () => {
    await press(100);
    await release(500);
    await press(100);
    await release(1000);
    assert.deepEqual(said, [`single@${100 + SETTLED + WINDOW_MS}`, `single@${700 + SETTLED + WINDOW_MS}`]);
  });

  it("bounce inside a gesture: spikes shorter than the debounce between two presses make no press", async () => {
    await press(100);
    // Released; 60 ms later a 10 ms spike to ground and one of 30 ms, then the second press.
    await release(60);
    wire.set("D0", false);
    await advance(10);
    wire.set("D0", true);
    await advance(50);
    wire.set("D0", false);
    await advance(30);
    wire.set("D0", true);
    await advance(60);
    await press(100, 5);
    await release(1000, 5);
    assert.deepEqual(said, [`double@${100 + 60 + 10 + 50 + 30 + 60 + 20 + DEBOUNCE}`]);
  });

  it("bounce inside a hold keeps it one press: a hold, said once", async () => {
    await press(400);
    // A 20 ms lift of the contact while held: shorter than the debounce, no release.
    wire.set("D0", true);
    await advance(20);
    wire.set("D0", false);
    await advance(1200);
    assert.deepEqual(said, [`hold@${SETTLED + HOLD_MS}`]);
    await release(500);
    assert.deepEqual(said, [`hold@${SETTLED + HOLD_MS}`]);
  });

  it("a third quick press starts a new gesture: double, then single", async () => {
    await press(80);
    await release(80);
    await press(80);
    await release(80);
    await press(80);
    await release(1000);
    assert.deepEqual(said, [`double@${160 + SETTLED}`, `single@${400 + SETTLED + WINDOW_MS}`]);
  });

  // Espruino reuses the id of a timer that ran: clearing it then would clear another's (the light's
  // 3 s save). The runner clears only its timer still pending: checked over every gesture.
  it("never clears the id of a timer that already ran (Espruino reuses ids)", async () => {
    const g = globalThis as any;
    const set = g.setTimeout;
    const clear = g.clearTimeout;
    const ran: number[] = [];
    const cleared: number[] = [];
    g.setTimeout = (fn: any, ms: number) => {
      const id = set(() => (ran.push(id), fn()), ms);
      return id;
    };
    g.clearTimeout = (id: number) => (cleared.push(id), clear(id));
    try {
      await press(100);
      await release(1000);
      await press(100);
      await release(100);
      await press(100);
      await release(1000);
      await press(1500);
      await release(500);
    } finally {
      g.setTimeout = set;
      g.clearTimeout = clear;
    }
    assert.equal(said.join(" ").replace(/@\d+/g, ""), "single double hold");
    assert.ok(cleared.length >= 2, "the hold timers of the short presses were cleared");
    assert.deepEqual(
      cleared.filter((id) => ran.includes(id)),
      []
    );
  });
});
