// `npm run bench:compaction`: how often Espruino compacts its Storage while the firmware saves,
// on each board shape whose interpreter is set (ESPRUINO_BIN_1MB, ESPRUINO_BIN_4MB). A compaction
// rewrites Storage from its first page through a RAM buffer and is not safe against a power cut
// (README: flash and power cuts), so fewer is safer. The node is configured, then Offline (no
// other timer of the firmware in play), with build/storage/ and the fake ESP8266 as .boot0 stored
// as the board suite stores them; then CONFIG_SAVES configuration saves through the console
// (`config({keepalive:N})`, a new value each time) and LIGHT_SAVES light saves (wall switch flips,
// each saved 3 s later, that delay run 100 times as fast). Espruino prints "Compacting..." at
// each compaction: this counts them. Figures only, no assertion.
import { spawnSync } from "node:child_process";
import path from "node:path";

const CONFIG_SAVES = 100;
const LIGHT_SAVES = 1000;
const COMPACTING = /Compacting/g;

async function measure(): Promise<void> {
  // The harness reads BOARD_BIN when it is imported, so each shape runs in a process of its own.
  const { Board, FAST_TIMERS, LIGHT_SAVED_MS, SAVED, sleep } = await import("../../test/board/harness");
  const b = await Board.start();
  await b.configure();
  b.i.skip();
  b.i.line("offline()");
  await b.i.waitFor(/-> Offline/);
  const freeAtStart = await b.i.eval('require("Storage").getFree()');

  let from = b.i.output.length;
  for (let n = 0; n < CONFIG_SAVES; n++) {
    b.i.skip();
    b.i.line(`\x10config({keepalive:${10 + (n % 50)}})`);
    await b.i.waitFor(SAVED);
  }
  const configCompactions = (b.i.output.slice(from).match(COMPACTING) || []).length;

  b.i.type(FAST_TIMERS);
  from = b.i.output.length;
  for (let n = 0; n < LIGHT_SAVES; n++) {
    b.i.skip();
    await b.i.eval("BENCH.flip(1-BENCH.level),1");
    await b.i.waitFor(/#R[01]/);
    await sleep(LIGHT_SAVED_MS);
  }
  const lightCompactions = (b.i.output.slice(from).match(COMPACTING) || []).length;
  const broken = /Storage is corrupt|not saved|OUT OF MEMORY/.exec(b.i.output);
  await b.stop();
  console.log(
    `${process.env.BOARD_SHAPE}: Storage free after configuring ${freeAtStart} bytes; ` +
      `${configCompactions} compactions in ${CONFIG_SAVES} configuration saves, ` +
      `${lightCompactions} in ${LIGHT_SAVES} light saves` +
      (broken ? `; the console printed "${broken[0]}"` : "")
  );
  if (broken) process.exitCode = 1;
}

if (process.env.BOARD_BIN)
  measure().catch((e) => {
    console.error(e);
    process.exit(1);
  });
else {
  let ran = 0;
  for (const [shape, variable] of [
    ["1mb", "ESPRUINO_BIN_1MB"],
    ["4mb", "ESPRUINO_BIN_4MB"]
  ]) {
    const bin = process.env[variable];
    if (!bin) {
      console.log(`bench:compaction: ${variable} is not set: espruino-esp8266-${shape} skipped`);
      continue;
    }
    ran++;
    const r = spawnSync(process.execPath, ["--import", "tsx", __filename], {
      stdio: "inherit",
      env: { ...process.env, BOARD_SHAPE: shape, BOARD_BIN: path.resolve(bin) }
    });
    if (r.status !== 0) process.exitCode = 1;
  }
  if (!ran) process.exitCode = 1;
}
