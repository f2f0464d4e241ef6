// No relay glitch on any restart (issue 21), on the simulated pins: the built firmware, Active
// against a real aedes, goes through power cycles, load(), a dropped link, Wi-Fi lost and back,
// offline()/connect() and new settings of the links; every level the firmware ever drives on the
// relay pin is the light's, and each boot writes it before the pin becomes an output.
// (test/board/glitch.board.ts does the same on the real interpreter.)
import { strict as assert } from "node:assert";
import { Simulator } from "../../sim/simulator";
import { startAedes, RunningBroker } from "../support/brokers";
import { AP, bringUp } from "../support/node";

const RELAY = "D12";
// The light saves its state 3 s after its last change (SAVE_MS in src/light/app.ts).
const SETTLE_MS = 3300;

describe("e2e: the relay holds its level across restarts", function () {
  this.timeout(60000);
  let sim: Simulator;
  let broker: RunningBroker;

  beforeEach(async () => {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    await bringUp(sim, broker);
  });
  afterEach(async () => {
    await sim.stop();
    await broker.close();
  });

  const active = () => sim.waitFor(/LookingForBroker -> Active/, 15000);

  for (const on of [true, false]) {
    it(`a light that is ${on ? "on" : "off"}: only ${on ? "high" : "low"} is ever written, before output mode`, async () => {
      if (sim.pins.level(RELAY) !== on) {
        await sim.pins.bounce("D0", !sim.pins.level("D0"));
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(sim.pins.level(RELAY), on);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const firstBoot = sim.pins.currentBoot();
      const from = sim.pins.history(RELAY).length;

      await sim.restart();
      await active();
      sim.type("load()");
      await active();
      sim.net.dropAll();
      await active();
      sim.wifi.apDown();
      await sim.waitFor(/Active -> Disconnected/, 5000);
      sim.wifi.apUp();
      await active();
      sim.type("offline()");
      await sim.waitFor(/-> Offline/, 5000);
      sim.type("connect()");
      await active();
      sim.type("config({keepalive:25})");
      await active();

      const events = sim.pins.history(RELAY).slice(from);
      const writes = events.filter((e) => e.kind === "write").map((e) => !!e.level);
      assert.ok(writes.length >= 3, "each boot writes the relay");
      assert.deepEqual(
        writes.filter((level) => level !== on),
        [],
        "no write of the other level"
      );
      for (let boot = firstBoot + 1; boot <= sim.pins.currentBoot(); boot++) {
        const kinds = sim.pins
          .history(RELAY, boot)
          .map((e) => e.kind)
          .filter((k) => k === "write" || k === "mode");
        assert.equal(kinds[0], "write", `boot ${boot}: the level is written before the pin is an output`);
      }
      assert.equal(sim.pins.level(RELAY), on);
      assert.deepEqual(sim.errors, []);
    });
  }
});
