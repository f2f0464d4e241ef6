// The loader: .bootcde on a 4 MB board, never updated over the air. At each boot it chooses the set
// of files to run from the boot record (src/boot/runner.ts) and hands the choice, as the global LN,
// to src/boot/tail.ts (appended by scripts/build.mjs), which evaluates the set's boot code at the
// top level and deletes LN, so that nothing of the loader stays in RAM but the tick's timer.
import { boot, Choice } from "./runner";

export default boot({
  storage: require("Storage"),
  crc: E.CRC32,
  print: print,
  // From a timer: load() called while a load() is being carried out (a boot started by load(), as
  // an update's switch starts its trial) is forgotten once that one completes (jsinteractive.c
  // clears the request after evaluating .bootcde): the rollback's restart never came.
  restart: function () {
    setTimeout(load, 1);
  }
}) as Choice;
