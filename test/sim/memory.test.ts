// The simulator's process.memory() is an estimate (sim/memory.ts). It is held to what the real
// interpreter measured: `npm run bench:board` on espruino-esp8266-4mb (Espruino 2v29 built for
// Linux, 32-bit, 1,600 variables), running the same flashed files. Record the bench's figures
// again here whenever the firmware's resident set changes; a figure nobody can trust would mislead.
import { strict as assert } from "node:assert";
import { Simulator } from "../../sim/simulator";
import { BASELINE } from "../../sim/memory";
import { AP, bringUp } from "../support/node";
import { startAedes } from "../support/brokers";

// The firmware alone, in variables (bench:board on espruino-esp8266-4mb, 2026-12-07: boot
// Offline, then Active).
const BENCH = { boot: 546, active: 659 };

function within10(estimate: number, real: number, what: string) {
  assert.ok(
    Math.abs(estimate - real) <= real / 10,
    `${what}: the simulator estimates ${estimate} variables, the bench measured ${real}`
  );
}

describe("sim: memory estimate against the real interpreter's figures", function () {
  this.timeout(30000);
  it("is within 10% at boot and once Active, on the flashed (minified) files", async () => {
    const broker = await startAedes();
    const sim = await Simulator.start({ bundle: "build/firmware.min.js", ap: AP });
    try {
      await sim.waitFor(/no config: run setup\(\)/);
      await new Promise((r) => setTimeout(r, 200));
      within10(sim.evalJSON("process.memory().usage") - BASELINE, BENCH.boot, "boot");
      await bringUp(sim, broker);
      await new Promise((r) => setTimeout(r, 500));
      within10(sim.evalJSON("process.memory().usage") - BASELINE, BENCH.active, "Active");
    } finally {
      await sim.stop();
      await broker.close();
    }
  });
});
