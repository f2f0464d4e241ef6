// The simulator's process.memory() is an estimate (sim/memory.ts): held within 10% of what the real
// interpreter counts for the same firmware, both measured here in one run (espruino-esp8266-4mb:
// 32-bit, 1,600 variables, as the ESP8266 counts), at boot with no configuration and once Active.
import { strict as assert } from "node:assert";
import { Simulator } from "../../sim/simulator";
import { BASELINE } from "../../sim/memory";
import { AP, bringUp } from "../support/node";
import { startAedes } from "../support/brokers";
import { Board, forShapes, sleep } from "./harness";

function within10(estimate: number, real: number, what: string) {
  assert.ok(
    Math.abs(estimate - real) <= real / 10,
    `${what}: the simulator estimates ${estimate} variables, the real interpreter counts ${real}`
  );
}

forShapes(["4mb"], "board: the simulator's memory estimate against the real interpreter", function () {
  this.timeout(60000);

  it("is within 10% at boot and once Active, on the flashed (minified) files", async () => {
    const real = { boot: 0, active: 0 };
    const b = await Board.start();
    try {
      await b.i.waitFor(/no config: run setup\(\)/);
      await sleep(200);
      real.boot = await b.firmwareUsage();
      await b.configure();
      await sleep(500);
      real.active = await b.firmwareUsage();
    } finally {
      await b.stop();
    }
    const broker = await startAedes();
    const sim = await Simulator.start({ bundle: "build/firmware.min.js", ap: AP });
    try {
      await sim.waitFor(/no config: run setup\(\)/);
      await sleep(200);
      const boot = sim.evalJSON("process.memory().usage") - BASELINE;
      await bringUp(sim, broker);
      await sleep(500);
      const active = sim.evalJSON("process.memory().usage") - BASELINE;
      console.log(
        `      boot ${boot} estimated, ${real.boot} counted; Active ${active} estimated, ${real.active} counted`
      );
      within10(boot, real.boot, "boot");
      within10(active, real.active, "Active");
    } finally {
      await sim.stop();
      await broker.close();
    }
  });
});
