// The loader: .bootcde on a 4 MB board. Chooses the set of files to run at each boot from the boot
// record ("ln.boot", /work/notes/ota-design.md) and hands the choice to src/boot/tail.ts, which
// evaluates that set's boot code at the top level. First step: the confirmed set (a when there is
// no record); trials, rollback and safe mode follow.
import { openRecord } from "../store/record";

// What the tail needs: `f` the Storage file to evaluate, `x` what to do when it throws.
export interface Choice {
  f: string;
  x(e: any): void;
}

var storage = require("Storage");
var record = openRecord(storage, "ln.boot", 1, E.CRC32, print).read();

export default {
  f: "ln." + (record && record.set == "b" ? "b" : "a") + ".boot",
  x: function (e: any) {
    print("boot: " + e);
  }
} as Choice;
