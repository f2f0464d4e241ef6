// The loader's effects: reads and writes the boot record, prints, restarts. The composition roots
// (src/boot/loader.ts at each boot, src/boot/tick.ts CONFIRM_MS after it) hand in Espruino's parts;
// the decisions are src/boot/decide.ts's.
import { Print, StorageModule } from "../ports";
import { openRecord, Record } from "../store/record";
import { BOOT_RECORD, BOOT_RECORD_VERSION, bootFile, CONFIRM_MS, SAFE_FILE } from "./boot-record";
import { decideBoot, decideThrow, decideTick } from "./decide";

export interface LoaderDeps {
  storage: StorageModule;
  crc: (data: string) => number;
  print: Print;
  // Espruino's load(): starts again from .bootcde once the code running now returns.
  restart: () => void;
}

// What the loader's tail (src/boot/tail.ts) does with the boot: evaluate `f` at the top level
// (undefined: nothing to evaluate), call `x` if that throws, and when `t` is set, run TICK_FILE
// `t` ms later.
export interface Choice {
  f?: string;
  x(e: any): void;
  t: number;
}

function bootRecord(deps: LoaderDeps): Record {
  return openRecord(deps.storage, BOOT_RECORD, BOOT_RECORD_VERSION, deps.crc, deps.print);
}

function say(deps: LoaderDeps, line?: string) {
  if (line) deps.print("[boot] " + line);
}

// At each boot: counts it, chooses the set (or safe mode) and writes the record before anything
// of the set runs, so that a power cut or a crash during its boot still counts.
export function boot(deps: LoaderDeps): Choice {
  var rec = bootRecord(deps);
  var d = decideBoot(rec.read());
  var file = d.run == "safe" ? SAFE_FILE : bootFile(d.run);
  say(deps, d.say);
  if (!rec.write(d.r)) say(deps, "boot record not saved");
  // The set's boot code threw, or is not there: a trial is rolled back, and either way the node
  // starts again (a confirmed set's failures lead to safe mode, SAFE_AFTER boots on).
  function fail(e: any) {
    var back = decideThrow(d.r, d.run, "" + e);
    say(deps, file + " failed: " + e);
    if (back) {
      rec.write(back);
      say(deps, back.said);
    }
    deps.restart();
  }
  if (!deps.storage.read(file)) {
    // No safe mode file (a board flashed without it): nothing to restart into; the console works.
    if (d.run == "safe") say(deps, file + " missing: run npm run flash");
    else fail("missing");
    return { x: fail, t: 0 };
  }
  return { f: file, x: fail, t: d.run == "safe" ? 0 : CONFIRM_MS };
}

// CONFIRM_MS after a set's boot.
export function tick(deps: LoaderDeps): void {
  var rec = bootRecord(deps);
  var d = decideTick(rec.read());
  if (d.restart) {
    say(deps, "not confirmed within " + CONFIRM_MS / 60000 + " minutes: restarting");
    deps.restart();
  }
  if (d.r) rec.write(d.r);
}
