// The loader: .bootcde on a 4 MB board, never updated over the air. At each boot it chooses the set
// of files to run from the boot record (src/boot/runner.ts) and hands the choice, as the global LN
// (plain values), to src/boot/tail.ts (appended by scripts/build.mjs), which evaluates the set's
// boot code at the top level and deletes LN: nothing of the loader stays in RAM while the set runs
// but the tick's timer.
import { boot, Choice } from "./runner";

export default boot({
  storage: require("Storage"),
  crc: E.CRC32,
  print: print,
  // Only a missing trial restarts from here (src/boot/tick.ts explains the timer).
  restart: function () {
    setTimeout(load, 1);
  }
}) as Choice;
