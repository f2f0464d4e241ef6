// The flashed firmware on the real interpreter, both board shapes, one node through every scenario
// in order (each step starts where the last one left it). On espruino-esp8266-4mb a filler leaves
// exactly CEILINGS.peak variables free, so every step is also a proof that no peak goes over it
// (an OUT OF MEMORY fails the step), and the Active figure and its growth are asserted.
import { strict as assert } from "node:assert";
import { Board, forShapes, HA_STATUS, SHAPE, sleep, TOPIC, WIFI } from "./harness";
import { CEILINGS } from "./ceilings";

const RAM = SHAPE === "4mb";
// The light saves its state 3 s after its last change: a pending save timer is not growth.
const SETTLE_MS = 3500;
// The largest message the node accepts: packets over 1,024 bytes are refused (3-byte fixed header,
// 2-byte topic length, the topic).
const BIG_PAYLOAD = 1024 - 3 - 2 - HA_STATUS.length;

forShapes(["4mb", "1mb"], "board: the firmware on the real interpreter", function () {
  this.timeout(120000);
  let b: Board;
  let active = 0;
  let errors = 0;

  before(async () => {
    b = await Board.start(RAM ? { fill: CEILINGS.peak } : {});
  });
  after(async () => {
    if (b) await b.stop();
  });
  beforeEach(() => {
    errors = b.i.memoryErrors.length;
  });
  afterEach(() => {
    assert.deepEqual(b.i.memoryErrors.slice(errors), [], "no OUT OF MEMORY on the console");
  });

  it("boots Offline with no configuration, relay off", async () => {
    await b.i.waitFor(/\[net\] boot -> Offline/);
    await b.i.waitFor(/no config: run setup\(\)/);
    assert.match(b.i.output, /#R0/);
    assert.doesNotMatch(b.i.output, /missing or damaged|Uncaught|Storage is corrupt/);
  });

  it("config({...}) -> Active, online on <topic>/status", async () => {
    const online = b.hear(TOPIC + "/status");
    await b.configure();
    assert.equal(await online, "online");
    assert.equal(await b.i.eval("BENCH.telnet"), "off", "telnet is switched off as configured");
  });

  it(`uses at most ${CEILINGS.active} variables once Active (4 MB shape)`, async function () {
    await sleep(300);
    active = await b.firmwareUsage();
    console.log(`      firmware alone once Active: ${active} variables (${SHAPE})`);
    if (!RAM) this.skip();
    assert.ok(active <= CEILINGS.active, `Active uses ${active} variables, over ${CEILINGS.active}`);
  });

  it("a command from the phone moves the relay and publishes the state", async () => {
    const state = b.hear(TOPIC + "/state");
    assert.equal(await b.command("on"), 1);
    assert.equal(await state, "on");
    assert.equal(await b.command("off"), 0);
    assert.equal(await b.command("toggle"), 1);
  });

  it("the wall switch toggles the relay and publishes", async () => {
    const before = await b.i.eval("BENCH.relay");
    const flip = b.hear(TOPIC);
    b.i.skip();
    await b.i.eval("BENCH.flip(0),1");
    const m = await b.i.waitFor(/#R([01])/);
    assert.equal(+m[1], 1 - before);
    assert.equal(await flip, before ? "off" : "on");
  });
});
