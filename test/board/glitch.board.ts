// No relay glitch on any restart (issue 21): on the real interpreter, every write to the relay pin
// (the fake board prints "#R<level>" for each, and "#M<mode>" for each pinMode of it) across boot,
// power cuts, save() (refused while .bootcde exists), load(), reconnects, a broker restart, offline()/connect() and the runner's
// restarts for new settings holds the light's level: a light that is on is only ever written high,
// and its first write comes before the pin becomes an output.
import { strict as assert } from "node:assert";
import { Board, forShapes, SAVED, sleep } from "./harness";

// The light saves its state 3 s after its last change (SAVE_MS in src/light/app.ts).
const SETTLE_MS = 3500;

// The relay's writes and mode changes printed since `from`, in order: "R1", "Moutput"...
function relayLog(b: Board, from: number): string[] {
  return (b.i.output.slice(from).match(/#[RM][0-9a-z_]+/g) || []).map((s) => s.slice(1));
}

forShapes(["4mb"], "board: the relay holds its level across restarts", function () {
  this.timeout(300000);
  let b: Board;

  before(async () => {
    b = await Board.start();
    await b.configure();
  });
  after(async () => {
    if (b) await b.stop();
  });

  // Restarts of every kind, each ending Active again.
  let keepalive = 25;
  // Returns the relay's log from `from` on (a power cut starts a new process: a new output).
  async function restartEveryWay(from: number): Promise<string[]> {
    const beforeCut = relayLog(b, from);
    await b.powerCut();
    await b.active();
    // Espruino 2v29 refuses save() while .bootcde exists (the firmware's boot code): nothing
    // restarts, and nothing may touch the relay either.
    b.i.skip();
    b.i.line("save()");
    await b.i.waitFor(/Cannot save: \.bootcde file already exists/);
    b.i.skip();
    b.i.line("load()");
    await b.active();
    await b.reconnect();
    await b.restartBroker();
    await b.active(30000);
    b.i.skip();
    b.i.line("offline()");
    await b.i.waitFor(/-> Offline/);
    b.i.skip();
    b.i.line("connect()");
    await b.active();
    // New settings of the links: the runner says goodbye and starts the connection again.
    b.i.skip();
    b.i.line(`config({keepalive:${keepalive++}})`);
    await b.i.waitFor(SAVED);
    await b.active();
    return beforeCut.concat(relayLog(b, 0));
  }

  for (const level of [1, 0]) {
    it(`a light that is ${level ? "on" : "off"} stays ${level ? "on" : "off"}: every write is ${level}, each before output mode`, async () => {
      if (b.relay() !== level) await b.flipByCommand();
      await sleep(SETTLE_MS);
      const log = await restartEveryWay(b.i.output.length);
      console.log(`      relay pin across 7 restarts: ${log.join(" ")}`);
      assert.ok(log.length > 0, "the relay was written at boot");
      assert.deepEqual(
        log.filter((e) => e[0] === "R" && e !== "R" + level),
        [],
        "no write of the other level"
      );
      // A boot writes the level, then makes the pin an output: never output first.
      log.forEach((e, i) => {
        if (e === "Moutput") assert.equal(log[i - 1], "R" + level, "the level is written before output mode");
      });
    });
  }

  it("a light switched on just before load() stays on (the pending save is not lost)", async () => {
    for (const restart of ["load()"]) {
      if (b.relay()) await b.flipByCommand();
      await sleep(SETTLE_MS);
      await b.flipByCommand();
      const from = b.i.output.length;
      b.i.skip();
      b.i.line(restart);
      await b.active();
      assert.deepEqual(
        relayLog(b, from).filter((e) => e[0] === "R" && e !== "R1"),
        [],
        `${restart} 100 ms after "on"`
      );
    }
  });
});
