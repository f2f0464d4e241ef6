// The loader's effects: reads and writes the boot record, prints, restarts. The composition roots
// (src/boot/loader.ts at each boot; src/boot/tick.ts when the set's boot code threw, and
// CONFIRM_MS after a boot) hand in Espruino's parts; the decisions are src/boot/decide.ts's.
import { Print, StorageModule } from "../ports";
import { openRecord, Record } from "../store/record";
import { BOOT_RECORD, BOOT_RECORD_VERSION, bootFile, CONFIRM_MS, SAFE_FILE, SetLetter } from "./boot-record";
import { decideBoot, decideThrow, decideTick } from "./decide";

export interface LoaderDeps {
  storage: StorageModule;
  crc: (data: string) => number;
  print: Print;
  // Starts again from .bootcde (Espruino's load(), from a timer: see src/boot/loader.ts).
  restart: () => void;
}

// What the loader's tail (src/boot/tail.ts) does with the boot: evaluate `f` at the top level
// (undefined: nothing to evaluate); if that throws, put the error in `e` and evaluate TICK_FILE
// (which then calls failed()); when `t` is set, evaluate TICK_FILE `t` ms later (tick()). `run`
// says what `f` is. Plain values only: a function here would keep the loader's whole scope (its
// functions, its record) alive while the set boots, the firmware's tightest moment (measured: the
// boot with a configuration then needed 75-100 variables more free).
export interface Choice {
  f?: string;
  run: SetLetter | "safe";
  t: number;
  e?: any;
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
  if (!deps.storage.read(file)) {
    // No safe mode file (a board flashed without it): nothing to restart into; the console works.
    if (d.run == "safe") say(deps, file + " missing: run npm run flash");
    else failed(deps, { run: d.run, t: 0, e: "missing" });
    return { run: d.run, t: 0 };
  }
  return { f: file, run: d.run, t: d.run == "safe" ? 0 : CONFIRM_MS };
}

// The boot code of `c.run` threw while it was evaluated (`c.e`), or is missing: a trial is rolled
// back, and the node starts again (a confirmed set's failures lead to safe mode, SAFE_AFTER boots
// on). Safe mode failing has nothing better to restart into: the console stays.
export function failed(deps: LoaderDeps, c: Choice): void {
  var rec = bootRecord(deps);
  var back = decideThrow(rec.read(), c.run, "" + c.e);
  say(deps, (c.run == "safe" ? SAFE_FILE : bootFile(c.run)) + " failed: " + c.e);
  if (back) {
    rec.write(back);
    say(deps, back.said);
  }
  if (c.run != "safe") deps.restart();
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
