// Power cuts during an update over the air, at flash writes spread over the whole of it: the
// manifest, the chunks of every file, the switch and the confirmation (the simulated flash cuts
// at an exact write, which a killed interpreter cannot aim at). After each cut the node is powered
// on again on the same flash: every time a whole set boots (the old version or the new one, never
// a mix) and reaches the broker with its configuration and the light as it was; then the same
// update, sent again, installs.
import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Simulator } from "../../sim/simulator";
import { startAedes, RunningBroker } from "../support/brokers";
import { bringUp } from "../support/node";
import { buildSet, runOta } from "../support/ota";

const KEY = "c2ltdWxhdGVkLWN1dHMta2V5LTAx";
const LAYOUT = path.resolve("build", "storage-4mb");
const RELAY = "D12";
const OLD = require("../../package.json").version;
const NEW = "9.9.9";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Cut {
  write: number; // the n-th firmware write of the update (1: its first)
  file: string; // what that write is to
  at: "erase" | "data";
}

describe("simulator: power cuts during an update, at flash writes spread over all of it", function () {
  this.timeout(300000);
  let broker: RunningBroker;
  let dir: string;
  let template: string;
  let keyFile: string;
  let setB: string;
  // The file of each firmware write of an uncut update, in order.
  let log: string[];

  // A node from the template's flash (configured, with the key, the light on and saved), Active.
  async function node(): Promise<Simulator> {
    const data = mkdtempSync(path.join(dir, "node-"));
    copyFileSync(path.join(template, "storage.json"), path.join(data, "storage.json"));
    const sim = await Simulator.start({ layout: LAYOUT, dataDir: data });
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
    // The receiver's own run at ACTIVE (100 ms on) writes the boot record: not the update's.
    await sleep(500);
    return sim;
  }

  // `npm run ota` with set b built as NEW.
  function update(): { exit: Promise<number>; kill(): void } {
    const run = runOta(broker.url, ["--key-file", keyFile, "--dir", setB, "--timeout", "30"], NEW);
    return { exit: run.exit.then((r) => r.code), kill: run.kill };
  }

  before(async function () {
    broker = await startAedes();
    dir = mkdtempSync(path.join(tmpdir(), "lightnode-cuts-"));
    keyFile = path.join(dir, "key");
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    setB = buildSet(dir, "b", NEW);
    template = path.join(dir, "template");
    mkdirSync(template);
    const sim = await Simulator.start({ layout: LAYOUT, dataDir: template });
    await bringUp(sim, broker, `key:"${KEY}"`);
    await sim.pins.bounce("D0", !sim.pins.level("D0"));
    // The light's record is written 3 s after a change.
    await sleep(3500);
    assert.equal(sim.pins.level(RELAY), true, "the light is on");
    await sim.stop();

    // One update without a cut, to see its writes.
    const probe = await node();
    const from = probe.storage.writeLog.length;
    assert.equal(await update().exit, 0, "the update without a cut");
    await probe.waitFor(new RegExp("lightnode " + NEW.replace(/\./g, "\\.") + "[^]*-> Active"), 15000);
    await sleep(500);
    log = probe.storage.writeLog.slice(from);
    await probe.stop();
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // The writes to cut at: the first (the manifest), the first and the last chunk of each staged file
  // (and a middle one of the last file, the boot code), and every write after the last chunk (the
  // switch's and the confirmation's records) both while the old data is erased and half-way
  // through the new.
  function cuts(): Cut[] {
    const out: Cut[] = [];
    const add = (i: number, at: "erase" | "data") => out.push({ write: i + 1, file: log[i], at });
    const staged = Array.from(new Set(log.filter((f) => /^ln\.b\.(?!man)/.test(f))));
    add(0, "data");
    staged.forEach((f, k) => {
      const first = log.indexOf(f);
      const last = log.lastIndexOf(f);
      add(first, k % 2 ? "erase" : "data");
      if (k == staged.length - 1) add((first + last) >> 1, "erase");
      add(last, "data");
    });
    const lastChunk = Math.max(...staged.map((f) => log.lastIndexOf(f)));
    for (let i = lastChunk + 1; i < log.length; i++) (add(i, "erase"), add(i, "data"));
    return out;
  }

  it("the update's writes: the manifest, each staged file in chunks, then the records", function () {
    assert.equal(log[0], "ln.b.man");
    for (const f of ["ln.b.con", "ln.b.net", "ln.b.ota", "ln.b.boot"]) assert.ok(log.includes(f), f);
    assert.ok(log.filter((f) => /^ln\.boot\./.test(f)).length >= 2, "the switch and the confirmation: " + log.join());
    const points = cuts();
    console.log(
      `      ${log.length} writes; cut at ${points.length}: ` +
        points.map((c) => `${c.write} ${c.file} (${c.at})`).join(", ")
    );
    assert.ok(points.length >= 10);
  });

  it("after a cut at each of them, a whole set boots with the configuration and the light, and the update then installs", async function () {
    const outcomes: string[] = [];
    for (const cut of cuts()) {
      const sim = await node();
      try {
        sim.storage.powerCutAtWrite(cut.write, cut.at);
        const run = update();
        const end = Date.now() + 20000;
        while (!sim.dead && Date.now() < end) await sleep(5);
        run.kill();
        await run.exit;
        assert.ok(sim.dead, `the cut at write ${cut.write} (${cut.file}) happened`);
        const mark = sim.mark();
        await sim.restart();
        await sim.waitFor(/LookingForBroker -> Active/, 15000);
        const booted = /lightnode (\d+\.\d+\.\d+)/.exec(sim.since(mark));
        const version = booted ? booted[1] : "none";
        assert.ok(version === OLD || version === NEW, `write ${cut.write}: booted ${version}`);
        assert.equal(sim.pins.level(RELAY), true, `write ${cut.write}: the light`);
        assert.deepEqual(sim.errors, [], `write ${cut.write}: uncaught errors`);
        outcomes.push(`${cut.write} ${cut.file} (${cut.at}): ${version}`);
        if (version === OLD) {
          assert.equal(await update().exit, 0, `write ${cut.write}: the update sent again`);
          await sim.waitFor(new RegExp("lightnode " + NEW.replace(/\./g, "\\.") + "[^]*-> Active"), 15000);
        }
      } finally {
        await sim.stop();
      }
    }
    console.log("      booted after each cut: " + outcomes.join("; "));
  });
});
