// The 4 MB layout on espruino-esp8266-4mb: the loader (.bootcde, src/boot/), set a as npm run flash
// writes it (build/storage-4mb/), and a set b written into Storage by the test, with the boot
// record written as the update's switch writes it (trial: "b"). Set b is the real core built for
// set b (node scripts/build.mjs --set b), marked by its version ("0.1.0" -> "0.1.b", as many bytes)
// so that the console shows which set runs; a broken one throws before its first statement.
// Power cuts are the process killed (kill -9) and started again on the same espruino.flash.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Board, forShapes, step, sleep, TOPIC } from "./harness";
import { CEILINGS } from "./ceilings";
import { openRecord } from "../../src/store/record";
import { BOOT_RECORD, BootRecord } from "../../src/boot/boot-record";
import { crc32 } from "../../sim/crc32";

const VERSION = JSON.parse(readFileSync("package.json", "utf8")).version;
const B_VERSION = VERSION.slice(0, -1) + "b";
// The loader's line for each boot of a trial, and the core's first line per set.
const A_BOOTS = new RegExp("lightnode " + VERSION.replace(/\./g, "\\.") + "\\r?\\n");
const B_BOOTS = new RegExp("lightnode " + B_VERSION.replace(/\./g, "\\.") + "\\r?\\n");
const BROKEN = /Uncaught|OUT OF MEMORY|missing or damaged|Storage is corrupt/;

// Set b's files as the build writes them, its version marked.
function buildSetB(): { name: string; data: string }[] {
  const dir = mkdtempSync(path.join(tmpdir(), "lightnode-set-b-"));
  try {
    execFileSync(process.execPath, ["scripts/build.mjs", "--set", "b", "--out", dir], { stdio: "pipe" });
    return readdirSync(dir)
      .sort()
      .map((name) => {
        const data = readFileSync(path.join(dir, name), "latin1");
        return { name, data: name == "ln.b.boot" ? data.split(VERSION).join(B_VERSION) : data };
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The boot record's two slots as stored on the board, run through the firmware's own openRecord.
async function slots(b: Board): Promise<{ [name: string]: string }> {
  const s: { [name: string]: string } = {};
  for (const n of [BOOT_RECORD + ".0", BOOT_RECORD + ".1"]) {
    const text = await b.i.eval(`require("Storage").read(${JSON.stringify(n)})`);
    if (text) s[n] = text;
  }
  return s;
}

function recordOver(files: { [name: string]: string }) {
  const storage: any = {
    read: (n: string) => files[n],
    write: (n: string, d: string) => ((files[n] = d), true),
    erase: (n: string) => delete files[n]
  };
  return openRecord(storage, BOOT_RECORD, 1, crc32, () => {});
}

async function readRecord(b: Board): Promise<BootRecord | undefined> {
  return recordOver(await slots(b)).read(true);
}

// As the update's switch does: one slot written (the one not holding the newest record).
async function writeRecord(b: Board, r: BootRecord): Promise<void> {
  const before = await slots(b);
  const after = { ...before };
  assert.ok(recordOver(after).write(r));
  for (const n of Object.keys(after)) if (after[n] !== before[n]) await b.i.writeFile(n, after[n]);
}

forShapes(["4mb"], "board: the loader, its sets and safe mode (4 MB layout)", function () {
  this.timeout(180000);
  let b: Board;
  let setB: { name: string; data: string }[];

  // Set b stored, and the record switched to it on trial. "broken": its boot code throws;
  // "silent": stored without its update receiver (ln.b.ota), which is what confirms a set at
  // ACTIVE, so that it runs but never confirms itself.
  async function stageB(kind: "broken" | "silent"): Promise<void> {
    for (const f of setB) {
      if (kind == "silent" && f.name == "ln.b.ota") await b.i.eval(`require("Storage").erase("ln.b.ota")`);
      else
        await b.i.writeFile(
          f.name,
          f.name == "ln.b.boot" && kind == "broken" ? 'throw new Error("set b is broken");\n' + f.data : f.data
        );
    }
    const r = (await readRecord(b))!;
    await writeRecord(b, { set: r.set, trial: "b", tried: 0, boots: 0 });
  }

  // The light on, saved (the light saves itself 3 s after a change).
  async function lightOn(): Promise<void> {
    if (b.relay() != 1) assert.equal(await b.command("on"), 1);
    await sleep(3500);
  }

  // Resolves once the phone hears `payload` on `topic` (other payloads before it are skipped).
  async function hearPayload(topic: string, payload: string, ms = 20000): Promise<void> {
    const from = b.heard.length;
    const end = Date.now() + ms;
    while (!b.heard.slice(from).some((h) => h[0] === topic && h[1] === payload)) {
      if (Date.now() > end) throw new Error(`the phone heard no ${payload} on ${topic} within ${ms} ms`);
      await sleep(10);
    }
  }

  // After a rollback: set a boots to Active, the record holds set a and no trial, and the outcome,
  // heard by the phone (`said`) once on <base>/ota/state from set a's receiver at ACTIVE, is
  // cleared from the record.
  async function backOnSetA(said: Promise<void>): Promise<void> {
    await b.i.waitFor(A_BOOTS);
    await b.active();
    await said;
    const r = (await readRecord(b))!;
    assert.equal(r.set, "a");
    assert.equal(r.trial, undefined);
    assert.equal(r.said, undefined);
  }

  // The node restarted as the update's switch (and the tick) restart it.
  async function restart(): Promise<void> {
    b.i.skip();
    b.i.line("load()");
  }

  before(async () => {
    setB = buildSetB();
    b = await Board.start({ layout: "storage-4mb" });
  });
  after(async () => {
    if (b) await b.stop();
  });

  // Measured as test/board/node.board.ts measures the 1 MB layout (300 ms after Active). Issue 18
  // allows the update 15 variables over today's Active figure, the loader's leftovers included
  // (its tick's timer, until 10 minutes after the boot).
  step(
    () => b,
    `boot runs set a; once Active it uses at most ${CEILINGS.active} + 15 variables, and the relay follows commands`,
    async () => {
      assert.match(b.i.output, A_BOOTS);
      assert.doesNotMatch(b.i.output, /\[boot\]/);
      const boot = await b.firmwareUsage();
      await b.configure();
      await sleep(300);
      const active = await b.firmwareUsage();
      console.log(
        `      firmware alone, 4 MB layout: boot (Offline) ${boot}, Active ${active} variables (the loader's tick cancelled by the receiver)`
      );
      assert.ok(active <= CEILINGS.active + 15, `Active uses ${active} variables, over ${CEILINGS.active} + 15`);
      await b.flipByCommand();
      // The receiver (ln.a.ota) at ACTIVE: the boot counted as a good one, the tick cancelled.
      assert.deepEqual(await readRecord(b), { set: "a", tried: 0, boots: 0 });
      assert.equal(await b.i.eval(`typeof LNT`), "undefined");
    }
  );

  step(
    () => b,
    "a trial set b that throws while loading is rolled back at once, says so, and set a runs with the configuration and the light",
    async () => {
      await lightOn();
      await stageB("broken");
      const said = hearPayload(TOPIC + "/ota/state", "rolled back: b failed at boot: Error: set b is broken");
      await restart();
      await b.i.waitFor(/\[boot\] trying set b \(1 of 3\)/);
      await b.i.waitFor(/\[boot\] ln\.b\.boot failed: Error: set b is broken/);
      await b.i.waitFor(/\[boot\] rolled back: b failed at boot: Error: set b is broken/);
      await backOnSetA(said);
      assert.equal(b.relay(), 1);
      await b.flipByCommand();
    }
  );

  step(
    () => b,
    "a trial that never confirms runs 3 boots (restarts and power cuts), then set a is back, said so",
    async () => {
      await stageB("silent");
      const said = hearPayload(TOPIC + "/ota/state", "rolled back: b not confirmed in 3 boots");
      await restart();
      await b.i.waitFor(/\[boot\] trying set b \(1 of 3\)/);
      await b.i.waitFor(B_BOOTS);
      await b.active();
      await b.flipByCommand();
      await b.powerCut();
      await b.i.waitFor(/\[boot\] trying set b \(2 of 3\)/);
      await b.active();
      await restart();
      await b.i.waitFor(/\[boot\] trying set b \(3 of 3\)/);
      await b.i.waitFor(B_BOOTS);
      await b.active();
      await b.powerCut();
      await b.i.waitFor(/\[boot\] rolled back: b not confirmed in 3 boots/);
      await backOnSetA(said);
      assert.doesNotMatch(b.i.output, B_BOOTS);
      await b.flipByCommand();
    }
  );

  step(
    () => b,
    "power cuts at every moment of the boot lose neither the configuration, nor the light, nor the set",
    async () => {
      await lightOn();
      await writeRecord(b, { set: "a", tried: 0, boots: 0 });
      // Where each cut landed, by what the boot had printed: nothing yet (before or while the
      // loader counted the boot), the set's first line, or the set's first state.
      const landed = { loader: 0, set: 0, started: 0 };
      for (let ms = 0; ms <= 120; ms += 4) {
        await b.i.powerOnAndCut(ms);
        const out = b.i.output;
        landed[/\[net\] boot ->/.test(out) ? "started" : A_BOOTS.test(out) ? "set" : "loader"]++;
        // 4 cuts, then a boot that gets to run and is checked (the count never reaches safe mode).
        if (ms % 16 == 12) {
          await b.i.boot();
          await b.active();
          assert.equal(b.relay(), 1, "the light as it was");
          assert.doesNotMatch(b.i.output, BROKEN);
          await writeRecord(b, { set: "a", tried: 0, boots: 0 });
        }
      }
      console.log(
        `      cuts landed: ${landed.loader} in the loader, ${landed.set} in the set's boot, ${landed.started} once started`
      );
      await b.powerCut();
      await b.active();
      assert.doesNotMatch(b.i.output, BROKEN);
      assert.equal(b.relay(), 1);
      assert.equal((await readRecord(b))!.set, "a");
      await b.flipByCommand();
    }
  );

  // The loader's tick comes 10 minutes after a boot: here 6 s, through a setTimeout that .boot1
  // (run before the loader) makes shorten delays of 10 minutes, with the rest passed as they are.
  step(
    () => b,
    "10 minutes after a boot (6 s here): a confirmed set's boots reset and the tick's timer is gone; a trial never confirmed restarts, 3 times, then is rolled back",
    async () => {
      await b.i.writeFile(
        ".boot1",
        "var BT=setTimeout;var setTimeout=function(f,ms,a,c){return BT(f,ms==6e5?6000:ms,a,c)};"
      );
      // Set a without its receiver, which would count the boot as good at ACTIVE and cancel the
      // tick: as a node whose broker is down.
      await b.i.eval(`require("Storage").erase("ln.a.ota")`);
      await writeRecord(b, { set: "a", tried: 0, boots: 3 });
      await b.powerCut();
      await b.active();
      const pending = await b.i.usage();
      assert.equal((await readRecord(b))!.boots, 4);
      await sleep(6500);
      assert.equal((await readRecord(b))!.boots, 0, "boots reset by the tick");
      const after = await b.i.usage();
      console.log(`      the tick's timer: ${pending - after} variables until it fired`);
      assert.ok(after <= pending, "nothing of the tick stays");
      await b.i.writeFile("ln.a.ota", readFileSync("build/storage-4mb/ln.a.ota", "latin1"));
      await stageB("silent");
      await restart();
      await b.i.waitFor(/\[boot\] trying set b \(1 of 3\)/);
      for (const n of [2, 3]) {
        await b.i.waitFor(/\[boot\] not confirmed within 10 minutes: restarting/, 15000);
        await b.i.waitFor(new RegExp(`\\[boot\\] trying set b \\(${n} of 3\\)`));
      }
      await b.i.waitFor(/\[boot\] not confirmed within 10 minutes: restarting/, 15000);
      await b.i.waitFor(/\[boot\] rolled back: b not confirmed in 3 boots/);
      await b.i.waitFor(A_BOOTS);
      await b.active();
      await b.i.eval(`require("Storage").erase(".boot1")`);
      await b.flipByCommand();
    }
  );

  step(
    () => b,
    "5 boots in a row without confirmation: safe mode, where the relay follows the wall switch and update messages reach the receiver; normal() leaves it",
    async () => {
      // A stand-in for set a's update receiver (the update's own, src/ota/, is tested on its side):
      // it shows what safe mode hands it, at CONNACK and for a message on <base>/ota.
      await b.i.writeFile(
        "ln.a.ota",
        '(function(c,p,send,sub){if(p===undefined){sub(c.topic+"/ota",1);send(c.topic+"/ota/state","ready",1,true)}else send(c.topic+"/ota/state","got "+p,1,true)})'
      );
      await writeRecord(b, { set: "a", tried: 0, boots: 0 });
      for (let n = 1; n <= 5; n++) {
        await b.powerCut();
        await b.i.waitFor(A_BOOTS);
      }
      const status = hearPayload(TOPIC + "/status", "safe mode");
      const ready = hearPayload(TOPIC + "/ota/state", "ready");
      await b.powerCut();
      await b.i.waitFor(/\[boot\] safe mode: 5 boots without confirmation; normal\(\) leaves it/);
      await b.i.waitFor(/safe mode: relay and wall switch, console, updates; normal\(\) leaves it/);
      assert.doesNotMatch(b.i.output, A_BOOTS);
      await status;
      await ready;
      const got = hearPayload(TOPIC + "/ota/state", "got chunk 1");
      await b.publish(TOPIC + "/ota", "chunk 1");
      await got;
      console.log(`      safe mode, connected: ${await b.firmwareUsage()} variables`);
      for (const level of [0, 1, 0]) {
        const before = b.relay();
        b.i.skip();
        b.i.line(`BENCH.flip(${level})`);
        await b.i.waitFor(/#R[01]/);
        assert.equal(b.relay(), 1 - before, "the relay follows the wall switch");
      }
      await b.i.eval(`require("Storage").erase("ln.a.ota")`);
      // Safe mode saves the light as the core does (3 s after the last change, or at once before a
      // restart): set a starts with it.
      const left = b.relay();
      b.i.skip();
      b.i.line("normal()");
      await b.i.waitFor(/leaving safe mode/);
      await b.i.waitFor(A_BOOTS);
      await b.active();
      assert.equal(b.relay(), left, "the light as safe mode left it");
      assert.equal((await readRecord(b))!.boots, 1);
      await b.flipByCommand();
    }
  );
});

// The loader's own cost at the boot's peak: while a set boots, its choice (LN, plain values) is
// alive, and from its end the tick's timer. Each boot path of the loader must get through with
// BOOT_FREE free (BOOT_FREE=N tries another figure). The update receiver, run at each ACTIVE from a
// timer at the top level (src/ota/later.ts), is no longer the peak (it was, at 1,050 for a plain
// boot and 1,100 for a rollback's, when it ran inside the app's function). Nor, since the
// console's file runs as a Function() body (src/main.ts), is the core loading the configuration
// (930 was needed for it; it now peaks at about 890 on the peak-tracking probe): 920 holds for
// every path; at 910 the rollback and safe mode pass, and the plain boot runs out in the
// connection's code once the load is over (at 900, in its connect). Issue 18's target, 900, is met
// by the update's own steps (ota.board.ts), not yet by the boot.
const BOOT_FREE = Number(process.env.BOOT_FREE || 920);
forShapes(["4mb"], `board: the loader's boot paths with ${BOOT_FREE} variables free (4 MB layout)`, function () {
  this.timeout(180000);
  let b: Board;
  let setB: { name: string; data: string }[];

  before(async () => {
    setB = buildSetB();
    b = await Board.start({ fill: BOOT_FREE, layout: "storage-4mb" });
    await b.configure();
    await b.fill(true);
  });
  after(async () => {
    if (b) await b.stop();
  });

  step(
    () => b,
    "the boot of set a with a configuration, until Active",
    async () => {
      await b.powerCut();
      await b.active();
      await b.flipByCommand();
    }
  );

  step(
    () => b,
    "a trial set b that throws, its rollback, and set a until Active",
    async () => {
      for (const f of setB)
        await b.i.writeFile(f.name, f.name == "ln.b.boot" ? 'throw new Error("set b is broken");\n' + f.data : f.data);
      await writeRecord(b, { set: "a", trial: "b", tried: 0, boots: 0 });
      await b.powerCut();
      await b.i.waitFor(/\[boot\] rolled back: b failed at boot/);
      await b.i.waitFor(A_BOOTS);
      await b.active();
      await b.flipByCommand();
    }
  );

  step(
    () => b,
    "safe mode until connected",
    async () => {
      await writeRecord(b, { set: "a", tried: 0, boots: 5 });
      await b.powerCut();
      await b.i.waitFor(/safe mode: connected to the broker/, 20000);
      b.i.skip();
      b.i.line("normal()");
      await b.i.waitFor(A_BOOTS);
      await b.active();
    }
  );
});
