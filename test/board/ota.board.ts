// Updates over the air on the real interpreter (issue 18): the host tool (scripts/ota.mjs, run as
// `npm run ota` runs it) against the embedded broker, a node flashed with the 4 MB layout (the
// loader and set a). A good update installs set b and confirms; a wrong key, a tampered chunk,
// an older version and a transfer cut by a broker restart are each refused or started again, and
// the old set keeps running. On the 1 MB shape the node refuses with its reason.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import path from "node:path";
import { Board, forShapes, sleep, step, TOPIC } from "./harness";
import { CEILINGS } from "./ceilings";
import { begin, chunks, manifest } from "../../scripts/ota-image.mjs";
import {
  beginUpdate,
  buildSet,
  KEY,
  keyFile,
  otherKeyFile,
  put,
  root,
  running,
  sendChunks,
  setFiles,
  stateFrom
} from "./updates";

// Runs the host tool; resolves with its exit code and output.
function ota(
  b: Board,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  ms = 240000
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(root, "scripts", "ota.mjs"), "--broker", `mqtt://127.0.0.1:${b.port}`, ...args],
      { cwd: root, env: { ...process.env, ...env } }
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

forShapes(["4mb"], "board: updates over the air (4 MB layout)", function () {
  this.timeout(300000);
  let b: Board;

  before(async () => {
    b = await Board.start({ layout: "storage-4mb" });
    await b.configure(`,key:"${KEY}"`);
  });
  after(async () => {
    if (b) await b.stop();
  });

  step(
    () => b,
    "the key is set and never shown: status() says set, config() shows ***",
    async () => {
      b.i.skip();
      b.i.line("status()");
      await b.i.waitFor(/"set":"a","key":"set"/);
      b.i.line("config()");
      await b.i.waitFor(/"key":"\*\*\*"/);
      assert.ok(
        !b.i.output.includes(KEY.slice(8)) || b.i.output.indexOf(KEY.slice(8)) < b.i.output.indexOf("saved"),
        "the key is echoed only where it was typed"
      );
      assert.deepEqual(await running(b), { ...(await running(b)), set: "a" });
    }
  );

  step(
    () => b,
    "a full update from set a to set b reaches confirmed, and the node runs the new version",
    async () => {
      const idle = await b.firmwareUsage();
      console.log(`      Active firmware variables before: ${idle}`);
      const r = await ota(b, ["--key-file", keyFile, "--dir", buildSet("b", "0.1.1")], { LIGHTNODE_VERSION: "0.1.1" });
      console.log(
        r.out
          .split("\n")
          .filter((l) => /sent|done|node:/.test(l))
          .map((l) => "      " + l.replace(/^.*\r/, ""))
          .join("\n")
      );
      assert.equal(r.code, 0, r.out + "\n--- node:\n" + b.i.output.slice(-3000));
      assert.match(r.out, /confirmed 0\.1\.1/);
      await b.active(30000);
      const info = await running(b);
      assert.equal(info.version, "0.1.1");
      assert.equal(info.set, "b");
      await b.flipByCommand();
      // Measured once the light's save (3 s after a change) is done: a pending timer is not the update's.
      await sleep(3500);
      const after = await b.firmwareUsage();
      console.log(`      Active firmware variables after (set b): ${after}`);
      // Issue 18: the update's idle cost at most 15 variables over the core's Active ceiling.
      assert.ok(after <= CEILINGS.active + 15, `Active after the update: ${after}, over ${CEILINGS.active} + 15`);
    }
  );

  step(
    () => b,
    "a wrong key is refused; set b keeps running",
    async () => {
      const r = await ota(b, ["--key-file", otherKeyFile, "--dir", buildSet("a", "0.1.2")], {
        LIGHTNODE_VERSION: "0.1.2"
      });
      assert.notEqual(r.code, 0);
      assert.match(r.out, /refused: bad signature/);
      assert.deepEqual(await running(b), { ...(await running(b)), version: "0.1.1", set: "b" });
      await b.flipByCommand();
    }
  );

  step(
    () => b,
    "an older version is refused unless forced; set b keeps running",
    async () => {
      const r = await ota(b, ["--key-file", keyFile, "--dir", buildSet("a", "0.1.0")], { LIGHTNODE_VERSION: "0.1.0" });
      assert.notEqual(r.code, 0);
      assert.match(r.out, /refused: older version 0\.1\.0 than 0\.1\.1/);
      assert.equal((await running(b)).version, "0.1.1");
    }
  );

  step(
    () => b,
    "a tampered chunk is refused at the check; set b keeps running",
    async () => {
      const files = setFiles(buildSet("a", "0.1.2"));
      const text = manifest({ version: "0.1.2", set: "a", from: "0.1.1", force: false, files });
      files[1].data = Buffer.from(files[1].data);
      files[1].data[100] ^= 1;
      const state = b.hear(TOPIC + "/ota/state");
      await put(b, begin(KEY, text));
      assert.equal(await state, "receiving 0%");
      const refused = stateFrom(b, b.heard.length, /^refused/);
      await sendChunks(b, chunks(files, 256));
      assert.equal(await refused, `refused: ${files[1].name} does not match its digest`);
      assert.equal((await running(b)).version, "0.1.1");
      await b.flipByCommand();
    }
  );

  step(
    () => b,
    "a transfer cut by a broker restart is dropped (idle), a late chunk asks for a restart; set b keeps running",
    async () => {
      const files = setFiles(buildSet("a", "0.1.2"));
      const text = manifest({ version: "0.1.2", set: "a", from: "0.1.1", force: false, files });
      await beginUpdate(b, text);
      const parts = chunks(files, 256);
      await sendChunks(b, parts.slice(0, 5));
      const from = b.heard.length;
      await b.restartBroker();
      await b.active(30000);
      assert.equal(await stateFrom(b, from, /^idle/), "idle");
      const ack = b.hear(TOPIC + "/ota/ack");
      await put(b, parts[5].payload);
      assert.equal(await ack, "restart");
      assert.equal((await running(b)).version, "0.1.1");
      await b.flipByCommand();
    }
  );

  step(
    () => b,
    "the host tool through a broker restart mid-transfer: it starts again and the update confirms",
    async () => {
      const from = b.heard.length;
      const run = ota(b, ["--key-file", keyFile, "--dir", buildSet("a", "0.1.2")], { LIGHTNODE_VERSION: "0.1.2" });
      // Some chunks in, the broker goes down and comes back.
      for (;;) {
        const acks = b.heard.slice(from).filter((h) => h[0] === TOPIC + "/ota/ack" && +h[1] > 2000);
        if (acks.length) break;
        await sleep(5);
      }
      await b.restartBroker();
      const r = await run;
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /starting again/);
      assert.match(r.out, /confirmed 0\.1\.2/);
      await b.active(30000);
      assert.equal((await running(b)).version, "0.1.2");
    }
  );

  step(
    () => b,
    "back to 0.1.1 on set b (forced) for the steps after",
    async () => {
      const r = await ota(b, ["--key-file", keyFile, "--force", "--dir", buildSet("b", "0.1.1")], {
        LIGHTNODE_VERSION: "0.1.1"
      });
      assert.equal(r.code, 0, r.out);
      await b.active(30000);
    }
  );

  step(
    () => b,
    "forced, an older version installs (set a, 0.1.0) and confirms",
    async () => {
      const r = await ota(b, ["--key-file", keyFile, "--force", "--dir", buildSet("a", "0.1.0")], {
        LIGHTNODE_VERSION: "0.1.0"
      });
      assert.equal(r.code, 0, r.out);
      await b.active(30000);
      assert.deepEqual(await running(b), { ...(await running(b)), version: "0.1.0", set: "a" });
    }
  );
});

forShapes(["1mb"], "board: updates over the air refused on a 1 MB board", function () {
  this.timeout(120000);
  let b: Board;

  before(async () => {
    b = await Board.start();
    await b.configure();
  });
  after(async () => {
    if (b) await b.stop();
  });

  step(
    () => b,
    "the host tool reads the node's refusal and exits non-zero; nothing changes",
    async () => {
      const r = await ota(b, ["--key-file", keyFile]);
      assert.notEqual(r.code, 0);
      assert.match(r.out, /this node takes no updates: a 1 MB board has no room for a second copy; use npm run flash/);
      const info = await running(b);
      assert.equal(info.set, undefined);
      assert.equal(info.version, "0.1.0");
      await b.flipByCommand();
    }
  );
});

// The RAM: the peak while receiving and checking, proved by a filler that leaves exactly PEAK
// variables free for the firmware (any peak above prints OUT OF MEMORY). Issue 18's target, 900,
// holds since the receiver runs at the top level, each heavy step from a timer of its own
// (src/ota/later.ts), the manifest's HMAC keeps one copy of it (src/ota/protocol.ts) and the states
// are published with nothing of the step before alive: 870 passed 2 runs of 2 alone, 860 runs out
// publishing "receiving 0%" (Active is 664 with a key). It was
// 1,050 when the receiver was evaluated inside the app's function (each of its functions copied
// the scope chain, a closure in a timer kept it all). OTA_PEAK and OTA_CHUNK try other figures.
// The tight point is the manifest's HMAC: SHA-1's result needs 3 variables in a row, so what fails
// there is their arrangement, not only their count (the runner's file as a Function() body, 8421d62,
// left 13 free there, at most 2 in a row: 900 ran out until the HMAC kept less alive; now 35 free).
const PEAK = Number(process.env.OTA_PEAK || 900);
forShapes(["4mb"], `board: an update's peak within ${PEAK} variables (4 MB layout)`, function () {
  this.timeout(300000);
  let b: Board;

  let files: { name: string; data: Buffer }[];
  let text: Buffer;

  before(async () => {
    files = setFiles(buildSet("b", "0.1.1"));
    text = manifest({ version: "0.1.1", set: "b", from: "0.1.0", force: false, files });
    b = await Board.start({ layout: "storage-4mb", fill: PEAK });
    await b.configure(`,key:"${KEY}"`);
  });
  after(async () => {
    if (b) await b.stop();
  });

  // Begun as soon as the node is Active, while discovery's extras (one config per 500 ms tick) are
  // still to go: the app holds them while an update is under way, so this is the update's own
  // peak. (Without that hold, an update begun within 3 s of Active ran out of memory at 900.)
  step(
    () => b,
    "receiving and checking a whole set right after Active, filled: no OUT OF MEMORY up to the switch",
    async () => {
      await b.fillNow();
      await beginUpdate(b, text);
      const switching = stateFrom(b, b.heard.length, /^(switching|refused)/);
      await sendChunks(b, chunks(files, Number(process.env.OTA_CHUNK || 64)));
      assert.equal(await switching, "switching to 0.1.1");
    }
  );
});

// Power cuts (the process killed, then a boot on the same espruino.flash) at 13 points spread over
// the transfer, the check and the switch, each in an update of its own (forced, so that whatever
// version runs can be replaced: set b's build 0.1.1 or set a's 0.1.2, whichever set is the other):
// every time a whole set boots (the one that ran before the cut up to the switch's record, the new
// one from it on), with the configuration (the key among it) and the light as it was.
forShapes(["4mb"], "board: power cuts at 13 points of an update (4 MB layout)", function () {
  this.timeout(600000);
  let b: Board;
  // What the node ran before the update the cut interrupts, and what that update sends.
  let from: { version: string; set: string };
  let to: { version: string; set: string };
  let files: { name: string; data: Buffer }[];
  let text: Buffer;
  let parts: { payload: Buffer; end: number }[];

  before(async () => {
    b = await Board.start({ layout: "storage-4mb" });
    await b.configure(`,key:"${KEY}"`);
    assert.equal(await b.command("on"), 1);
    // The light saves itself 3 s after a change.
    await sleep(3500);
  });
  after(async () => {
    if (b) await b.stop();
  });

  // The update to the set that is not running, as the host tool would build it.
  async function prepare(): Promise<void> {
    const info = await running(b);
    from = { version: info.version, set: info.set };
    to = info.set == "a" ? { version: "0.1.1", set: "b" } : { version: "0.1.2", set: "a" };
    files = setFiles(buildSet(to.set, to.version));
    text = manifest({ version: to.version, set: to.set, from: from.version, force: true, files });
    parts = chunks(files, 64);
  }

  // `drive` takes the update to the moment of the cut; the node is then cut, boots, and must run
  // `expect` ("old": the set it ran before, "new": the set sent), whole, Active with its
  // configuration and the light on; commands still move the relay.
  function cutAt(title: string, expect: "old" | "new" | "either", drive: () => Promise<void>): void {
    step(
      () => b,
      `a cut ${title}: the ${expect == "either" ? "old or the new" : expect} set boots, with the configuration and the light`,
      async () => {
        await prepare();
        b.i.skip();
        await drive();
        await b.powerCut();
        await b.active(30000);
        assert.doesNotMatch(b.i.output, /missing or damaged|Uncaught|Storage is corrupt|OUT OF MEMORY/);
        const info = await running(b);
        const want = expect == "old" || (expect == "either" && info.set == from.set) ? from : to;
        assert.deepEqual([info.version, info.set], [want.version, want.set]);
        if (expect == "either") console.log(`      (the ${want == from ? "old" : "new"} set)`);
        assert.equal(info.key, "set", "the configuration kept, the update key with it");
        assert.equal(b.relay(), 1, "the light as it was");
        // Off and on again within the light's 3 s: nothing new to save.
        await b.flipByCommand();
        await b.flipByCommand();
      }
    );
  }

  // The offset of the end of staged file k.
  const fileEnd = (k: number) => files.slice(0, k + 1).reduce((n, f) => n + f.data.length, 0);

  // The transfer.
  cutAt("right after the manifest arrives (its check pending)", "old", async () => {
    await put(b, begin(KEY, text));
  });
  cutAt("once the manifest is checked and stored (ack 0)", "old", async () => {
    await beginUpdate(b, text);
  });
  cutAt("after the first chunk", "old", async () => {
    await beginUpdate(b, text);
    await sendChunks(b, parts.slice(0, 1));
  });
  cutAt("in the middle of the first file", "old", async () => {
    await beginUpdate(b, text);
    await sendChunks(
      b,
      parts.filter((c) => c.end <= fileEnd(0) / 2)
    );
  });
  cutAt("at the end of the first file, the next not begun", "old", async () => {
    await beginUpdate(b, text);
    await sendChunks(
      b,
      parts.filter((c) => c.end <= fileEnd(0))
    );
  });
  cutAt("in the middle of the last file (the boot code)", "old", async () => {
    await beginUpdate(b, text);
    await sendChunks(b, parts.slice(0, parts.length - 20));
  });
  cutAt("while the last chunk is written (its ack not awaited)", "old", async () => {
    await beginUpdate(b, text);
    await sendChunks(b, parts.slice(0, -1));
    await put(b, parts[parts.length - 1].payload);
  });
  // The check.
  cutAt("once the last chunk is acknowledged (the check queued)", "old", async () => {
    await beginUpdate(b, text);
    await sendChunks(b, parts);
  });
  // The check and the switch's record follow each other in 20 ms: a cut there may land on either side.
  cutAt("while the staged files are checked (checking said)", "either", async () => {
    await beginUpdate(b, text);
    const checking = stateFrom(b, b.heard.length, /^checking/);
    await sendChunks(b, parts);
    await checking;
  });
  // The switch, and the new set's first boots.
  cutAt("once the switch is written (switching said, the restart pending)", "new", async () => {
    await beginUpdate(b, text);
    const switching = stateFrom(b, b.heard.length, /^switching/);
    await sendChunks(b, parts);
    await switching;
  });
  cutAt("during the new set's first boot", "new", async () => {
    await beginUpdate(b, text);
    await sendChunks(b, parts);
    await b.i.waitFor(/\[boot\] trying set . \(1 of 3\)/, 30000);
  });
  cutAt("once the new set is Active, before it confirms itself", "new", async () => {
    await beginUpdate(b, text);
    await sendChunks(b, parts);
    await b.i.waitFor(/\[boot\] trying set . \(1 of 3\)/, 30000);
    await b.i.waitFor(/-> Active/, 30000);
  });
  cutAt("once the new set said it is confirmed", "new", async () => {
    await beginUpdate(b, text);
    const confirmed = stateFrom(b, b.heard.length, /^confirmed/);
    await sendChunks(b, parts);
    await confirmed;
  });
});
