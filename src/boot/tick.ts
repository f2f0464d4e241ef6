// The loader's later half (Storage file TICK_FILE, 4 MB boards), evaluated by src/boot/tail.ts at
// the top level: at once when the set's boot code threw (the global LN, the loader's choice, then
// holds the error as LN.e), and CONFIRM_MS after a set's boot (LN is gone by then). Nothing of it
// stays.
import { Choice, failed, LoaderDeps, tick } from "./runner";

declare var LN: Choice | undefined;

var deps: LoaderDeps = {
  storage: require("Storage"),
  crc: E.CRC32,
  print: print,
  // load() from a timer: a load() called while a boot started by load() is being carried out (as
  // an update's switch starts its trial) is forgotten once that boot completes (Espruino's
  // jsinteractive.c clears the request after evaluating .bootcde): the rollback never restarted.
  restart: function () {
    setTimeout(load, 1);
  }
};
if (typeof LN == "object" && LN.e !== undefined) failed(deps, LN);
else tick(deps);
