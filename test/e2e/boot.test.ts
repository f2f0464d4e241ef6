// First end-to-end test: the built artifact boots in the simulator and its console answers.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { Simulator } from "../../sim/simulator";

describe("e2e: boot", () => {
  let sim: Simulator;
  const version = JSON.parse(readFileSync("package.json", "utf8")).version;

  beforeEach(async () => {
    sim = await Simulator.start({});
  });
  afterEach(() => sim.stop());

  it("prints its banner with the package version", async () => {
    await sim.waitFor(new RegExp("lightnode " + version.replace(/\./g, "\\.")), 2000);
    assert.deepEqual(sim.errors, []);
  });

  // The console's file is found, checked and run: help() prints a line per command, each saying
  // what it does.
  it("answers help() on the console", async () => {
    sim.type("help()");
    const m = await sim.waitFor(/setup\(\): [^]*forget\(\): [^\n]*\n/, 2000);
    const lines = m[0].split("\n");
    for (const c of ["setup()", "config({...})", "config()", "status()", "offline()", "connect()", "forget()"])
      assert.ok(
        lines.some((l) => l.startsWith(c + ": ") && l.length > c.length + 3),
        c + " in " + lines.join(" | ")
      );
    assert.deepEqual(sim.errors, []);
  });

  it("prints the banner once per boot, including after save() and a power cycle", async () => {
    await sim.waitFor(/lightnode /, 2000);
    sim.type("save()");
    await sim.waitFor(/Running onInit\(\)\.\.\./, 2000);
    await sim.waitFor(/lightnode /, 2000);
    await sim.restart();
    await sim.waitFor(/lightnode /, 2000);
    assert.equal(sim.output.split("lightnode " + version).length - 1, 3);
  });

  it("a light switched less than 3 s before load() comes back as it was (its pending save is kept)", async () => {
    await sim.waitFor(/no config/, 2000);
    const was = sim.pins.level("D12");
    await sim.pins.bounce("D0", !sim.pins.level("D0"));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sim.pins.level("D12"), !was);
    sim.type("load()");
    await sim.waitFor(/lightnode [^]*no config/, 2000);
    assert.equal(sim.pins.level("D12"), !was);
    assert.deepEqual(sim.errors, []);
  });

  it("after save() the firmware runs once: one flip of the wall switch toggles the relay once", async () => {
    await sim.waitFor(/no config/, 2000);
    const timers = sim.timerCount();
    sim.type("save()");
    await sim.waitFor(/Running onInit\(\)\.\.\./, 2000);
    await sim.waitFor(/no config/, 2000);
    assert.equal(sim.pins.watchCount("D0"), 1, "one wall-switch watch, not one per start");
    assert.equal(sim.timerCount(), timers, "no timers left over from before save()");
    const writes = sim.pins.writes("D12").length;
    const before = sim.pins.level("D12");
    await sim.pins.bounce("D0", !sim.pins.level("D0"));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sim.pins.level("D12"), !before);
    assert.equal(sim.pins.writes("D12").length, writes + 1);
    assert.deepEqual(sim.errors, []);
  });
});
