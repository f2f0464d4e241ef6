// The boot record: which set of files a 4 MB board runs, shared by the loader (src/boot/) and the
// update receiver (its switch and its confirmation). Kept with openRecord (src/store/record.ts:
// two slots, power-cut safe) as openRecord(storage, BOOT_RECORD, BOOT_RECORD_VERSION, E.CRC32, log).
// A set is one copy of the core's files, "ln.a.*" or "ln.b.*" (scripts/build.mjs).
// Field names are data: never one that scripts/minify-options.mjs shortens (hence `tried`, where
// `tries` is a name the runner uses and the minifier renames).

export type SetLetter = "a" | "b";

export interface BootRecord {
  // The confirmed set: what runs, and what a failed trial falls back to.
  set: SetLetter;
  // A new set on trial (staged, verified, switched to); absent when none.
  trial?: SetLetter;
  // Boots of the trial so far.
  tried: number;
  // Boots in a row since the last confirmation (of any set): safe mode past SAFE_AFTER.
  boots: number;
  // The last outcome for the update's state topic ("confirmed 0.2.0", "rolled back: ..."),
  // published and then cleared by the receiver at Active.
  said?: string;
}

export var BOOT_RECORD = "ln.boot";
export var BOOT_RECORD_VERSION = 1;
// Safe mode after this many boots in a row without a confirmation.
export var SAFE_AFTER = 5;
// A trial is rolled back at the boot after this many unconfirmed ones.
export var TRIES = 3;
// A trial not confirmed this long after its boot restarts (a try more); a confirmed set that runs
// this long resets `boots` (a node waiting for a broker that is down must not slide into safe mode
// through power cuts). 10 minutes.
export var CONFIRM_MS = 600000;
// The loader's own files (4 MB boards only, outside the sets, never updated over the air): safe
// mode, and what runs CONFIRM_MS after a boot.
export var SAFE_FILE = "ln.safe";
export var TICK_FILE = "ln.tick";

// A set's file holding its boot code (what .bootcde is on a 1 MB board).
export function bootFile(set: SetLetter): string {
  return "ln." + set + ".boot";
}
