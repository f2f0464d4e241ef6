// A measurement, not a test (issue 18): what a power cut during the Storage compaction an update can
// trigger does, on espruino-esp8266-4mb with the ESP8266's flash timing (slowflash32.so), and after
// how many updates such a compaction comes. Run in a network namespace of its own:
//   BOARD_BIN=.../espruino-esp8266-4mb BOARD_SHAPE=4mb SLOWFLASH=.../slowflash32.so \
//     bench/board/own-network.sh npx tsx bench/board/ota-compaction.ts [cut delays in ms...]
// The receiver compacts only when an update would not fit after the signature held
// (src/ota/receiver.ts, verify), so the node is updated (forced, between the two sets) until the
// next update would compact; that Storage (espruino.flash) is kept, and each trial starts from a
// copy of it: the manifest is sent, the power is cut that many ms later, and the next boot says
// what is left. Figures only: prints one line per trial, and exits 0.
import { copyFileSync } from "node:fs";
import path from "node:path";
import { Board, sleep } from "../../test/board/harness";
import { beginUpdate, buildSet, KEY, put, running, sendChunks, setFiles, stateFrom } from "../../test/board/updates";
import { begin, chunks, manifest } from "../../scripts/ota-image.mjs";

const DELAYS = process.argv.slice(2).map(Number);
const CUTS = DELAYS.length ? DELAYS : [20, 100, 250, 500, 800, 1200, 1700, 2500];

function log(line: string) {
  console.log(line);
}

// The update to the set that is not running, forced (whatever version runs).
async function nextUpdate(b: Board) {
  const info = await running(b);
  const to = info.set == "a" ? { version: "0.1.1", set: "b" } : { version: "0.1.2", set: "a" };
  const files = setFiles(buildSet(to.set, to.version));
  const text = manifest({ version: to.version, set: to.set, from: info.version, force: true, files });
  return { from: info, to, files, text, size: files.reduce((n, f) => n + f.data.length, 0) };
}

async function storage(b: Board): Promise<{ free: number; trash: number }> {
  const s = await b.i.eval(`require("Storage").getStats()`);
  return { free: s.freeBytes, trash: s.trashBytes };
}

(async () => {
  const env = process.env.SLOWFLASH ? { LD_PRELOAD: process.env.SLOWFLASH } : undefined;
  const b = await Board.start({ layout: "storage-4mb", env });
  try {
    await b.configure(`,key:"${KEY}"`);
    await b.command("on");
    await sleep(3500);
    // Updates until the next one would compact (the receiver's rule: free < image + 2048).
    let updates = 0;
    for (;;) {
      const u = await nextUpdate(b);
      const s = await storage(b);
      log(`update ${updates + 1}: Storage free ${s.free} bytes, trash ${s.trash}; image ${u.size}`);
      if (s.free < u.size + 2048) break;
      const confirmed = stateFrom(b, b.heard.length, /^(confirmed|refused)/, 120000);
      await beginUpdate(b, u.text);
      await sendChunks(b, chunks(u.files, 64));
      log(`  -> ${await confirmed}`);
      await b.active(30000);
      updates++;
    }
    log(`compaction due at update ${updates + 1} (after ${updates} updates from a fresh flash)`);
    // The Storage before that update, kept while the node is off.
    const dir: string = (b.i as any).dir;
    const flash = path.join(dir, "espruino.flash");
    const kept = flash + ".kept";
    await b.i.kill();
    copyFileSync(flash, kept);
    // How long the compaction takes: the manifest's acknowledgement (ack 0) comes after it.
    copyFileSync(kept, flash);
    await b.i.boot();
    await b.active(30000);
    const u = await nextUpdate(b);
    const t0 = Date.now();
    await beginUpdate(b, u.text);
    const s = await storage(b);
    log(
      `uncut: the manifest's check with its compaction took ${Date.now() - t0} ms; then free ${s.free}, trash ${s.trash}`
    );
    for (const ms of CUTS) {
      await b.i.kill();
      copyFileSync(kept, flash);
      await b.i.boot();
      await b.active(30000);
      const v = await nextUpdate(b);
      b.i.skip();
      await put(b, begin(KEY, v.text));
      await sleep(ms);
      await b.powerCut();
      let outcome: string;
      try {
        await b.active(30000);
        const info = await running(b);
        const after = await storage(b);
        outcome =
          `boots ${info.version} on set ${info.set} (${info.set == v.from.set ? "the old set" : "the new set?"}), ` +
          `key ${info.key}, light ${b.relay() ? "on" : "off"}; Storage free ${after.free}, trash ${after.trash}`;
      } catch (e) {
        const out = b.i.output;
        outcome = /Storage is corrupt|Erasing Storage/.test(out)
          ? `Storage corrupt: all of it erased at the boot (files left: ${JSON.stringify(
              await b.i.eval(`require("Storage").list()`)
            )})`
          : "no Active: " + JSON.stringify(out.replace(/\s+/g, " ").slice(-300));
      }
      log(`cut ${ms} ms after the manifest: ${outcome}`);
    }
  } finally {
    await b.stop();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
