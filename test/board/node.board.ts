// The flashed firmware on the real interpreter, both board shapes: one node through every scenario
// in order, each step starting where the last one left it. On espruino-esp8266-4mb the firmware's
// Active figure and its growth are asserted against CEILINGS (the peaks: peaks.board.ts).
import { strict as assert } from "node:assert";
import { BIG_PAYLOAD, Board, forShapes, HA_STATUS, SHAPE, sleep, step, TOPIC, typeSetup, WIFI } from "./harness";
import { CEILINGS } from "./ceilings";

const RAM = SHAPE === "4mb";
// The light saves its state 3 s after its last change: a pending save timer is not growth.
const SETTLE_MS = 3500;
const COMMANDS = 1000;
const RECONNECTS = 20;
// Each reconnect waits the first retry delay (about 1 s): the long run only where RAM is asserted.
const MANY_RECONNECTS = RAM ? 200 : 20;

forShapes(["4mb", "1mb"], "board: the firmware on the real interpreter", function () {
  this.timeout(180000);
  let b: Board;
  let active = 0;

  before(async () => {
    b = await Board.start();
  });
  after(async () => {
    if (b) await b.stop();
  });
  const test = (title: string, fn: (this: Mocha.Context) => Promise<void>) => step(() => b, title, fn);

  test("boots Offline with no configuration, relay off", async () => {
    await b.i.waitFor(/\[net\] boot -> Offline/);
    await b.i.waitFor(/no config: run setup\(\)/);
    assert.match(b.i.output, /#R0/);
    assert.doesNotMatch(b.i.output, /missing or damaged|Uncaught|Storage is corrupt/);
  });

  test("config({...}) -> Active, online on <topic>/status", async () => {
    const online = b.hear(TOPIC + "/status");
    await b.configure();
    assert.equal(await online, "online");
    assert.equal(await b.i.eval("BENCH.telnet"), "off", "telnet is switched off as configured");
  });

  test(`uses at most ${CEILINGS.active} variables once Active`, async function () {
    await sleep(300);
    active = await b.firmwareUsage();
    console.log(`      firmware alone once Active: ${active} variables (${SHAPE})`);
    if (!RAM) this.skip();
    assert.ok(active <= CEILINGS.active, `Active uses ${active} variables, over ${CEILINGS.active}`);
  });

  test("a command from the phone moves the relay and publishes the state", async () => {
    const state = b.hear(TOPIC + "/state");
    assert.equal(await b.command("on"), 1);
    assert.equal(await state, "on");
    assert.equal(await b.command("off"), 0);
    await b.flipByCommand();
  });

  test("the wall switch toggles the relay and publishes", async () => {
    const before = await b.i.eval("BENCH.relay");
    const flip = b.hear(TOPIC);
    b.i.skip();
    await b.i.eval("BENCH.flip(1-BENCH.level),1");
    const m = await b.i.waitFor(/#R([01])/);
    assert.equal(+m[1], 1 - before);
    assert.equal(await flip, before ? "off" : "on");
  });

  test(`takes a ${BIG_PAYLOAD}-byte message (1 KB packet) and stays Active`, async () => {
    const from = b.i.output.length;
    await b.publish(HA_STATUS, "x".repeat(BIG_PAYLOAD), 0);
    await b.flipByCommand();
    assert.doesNotMatch(b.i.output.slice(from), /packet too large|-> (Disconnected|LookingForBroker)/);
  });

  test(`ignores a ${BIG_PAYLOAD}-byte message on its command topic and obeys the next command`, async () => {
    const from = b.i.output.length;
    await b.publish(TOPIC, "o".repeat(BIG_PAYLOAD + HA_STATUS.length - TOPIC.length), 0);
    await b.i.waitFor(/light: ignored "o{20}"/);
    await b.flipByCommand();
    assert.doesNotMatch(b.i.output.slice(from), /OUT OF MEMORY|-> (Disconnected|LookingForBroker)/);
  });

  test(`no growth over ${COMMANDS} commands`, async function () {
    await sleep(SETTLE_MS);
    const before = await b.firmwareUsage();
    for (let n = 0; n < COMMANDS; n++) await b.flipByCommand();
    await sleep(SETTLE_MS);
    const after = await b.firmwareUsage();
    console.log(`      ${COMMANDS} commands: ${before} -> ${after} variables`);
    if (RAM) assert.ok(after - before <= CEILINGS.growth, `grew by ${after - before} variables`);
  });

  test("comes back Active after a broker restart", async () => {
    await b.restartBroker();
    await b.active(30000);
    await b.flipByCommand();
  });

  test(`reconnects ${RECONNECTS} times, then ${MANY_RECONNECTS} with no growth`, async function () {
    this.timeout(600000);
    for (let n = 0; n < RECONNECTS; n++) await b.reconnect();
    await b.flipByCommand();
    await sleep(SETTLE_MS);
    const before = await b.firmwareUsage();
    for (let n = 0; n < MANY_RECONNECTS; n++) await b.reconnect();
    await sleep(SETTLE_MS);
    const after = await b.firmwareUsage();
    console.log(`      ${MANY_RECONNECTS} reconnects: ${before} -> ${after} variables`);
    if (RAM) assert.ok(after - before <= CEILINGS.growth, `grew by ${after - before} variables`);
    await b.flipByCommand();
  });

  test("setup() typed key by key saves and reconnects, the password never echoed", async () => {
    await typeSetup(b, [
      ["ssid", WIFI.ssid],
      ["password", "setuppass2"],
      ["broker", "127.0.0.1"],
      ["port", String(b.port)],
      ["id", ""],
      ["user", ""],
      ["pass", ""]
    ]);
    await b.active();
    assert.doesNotMatch(b.i.output, /setuppass2/);
    await b.flipByCommand();
  });

  test("offline() says offline and stops; connect() comes back", async () => {
    const gone = b.hear(TOPIC + "/status");
    b.i.skip();
    b.i.line("offline()");
    await b.i.waitFor(/-> Offline/);
    assert.equal(await gone, "offline");
    b.i.skip();
    b.i.line("connect()");
    await b.active();
    await b.flipByCommand();
  });

  test("a power cut keeps the configuration and the light", async () => {
    if (!b.relay()) await b.flipByCommand();
    await sleep(SETTLE_MS);
    await b.powerCut();
    await b.active();
    assert.match(b.i.output, /#R1/);
    assert.doesNotMatch(b.i.output, /#R0|no config/);
    assert.equal(await b.command("off"), 0);
  });

  test("forget() erases the configuration, says offline and removes the Home Assistant entity", async () => {
    const from = b.heard.length;
    const gone = b.hear(TOPIC + "/status");
    b.i.skip();
    b.i.line("forget()");
    await b.i.waitFor(/forgotten/);
    await b.i.waitFor(/-> Offline/);
    assert.equal(await gone, "offline");
    const end = Date.now() + 5000;
    while (!b.heard.slice(from).some((h) => /^homeassistant\/light\/.*\/config$/.test(h[0]) && h[1] === "")) {
      assert.ok(Date.now() < end, "an empty retained config on homeassistant/light/<id>/config");
      await sleep(10);
    }
    await b.powerCut();
    await b.i.waitFor(/no config: run setup\(\)/);
  });
});
