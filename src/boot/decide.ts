// The loader's decisions, pure: from the boot record as read (anything, or undefined when there is
// none or it is damaged) to the record to write and what to run. src/boot/runner.ts performs them.
// The order at a boot: count the boot; roll back a trial that used its tries; past SAFE_AFTER
// boots without a confirmation, safe mode; else a trial's next try, or the confirmed set.
import { BootRecord, SAFE_AFTER, SetLetter, TRIES } from "./boot-record";

export interface BootDecision {
  // The record to write before anything runs.
  r: BootRecord;
  // The set whose boot code runs, or "safe" (SAFE_FILE).
  run: SetLetter | "safe";
  // A line for the console, when the boot is not the confirmed set's ordinary one.
  say?: string;
}

function letter(x: any): SetLetter | undefined {
  return x == "a" || x == "b" ? x : undefined;
}

// A fresh board (no record) runs set a, as npm run flash left it.
export function decideBoot(stored: any): BootDecision {
  var s = stored || {};
  var r: BootRecord = { set: letter(s.set) || "a", tried: s.tried | 0, boots: (s.boots | 0) + 1 };
  var trial = letter(s.trial);
  var say: string | undefined;
  if (s.said) r.said = s.said;
  if (trial == r.set) trial = undefined;
  if (trial && r.tried >= TRIES) {
    say = r.said = "rolled back: " + trial + " not confirmed in " + TRIES + " boots";
    trial = undefined;
    r.tried = 0;
  }
  if (trial) r.trial = trial;
  if (r.boots > SAFE_AFTER)
    return {
      r: r,
      run: "safe",
      say: "safe mode: " + (r.boots - 1) + " boots without confirmation; normal() leaves it"
    };
  if (trial) {
    r.tried++;
    return { r: r, run: trial, say: "trying set " + trial + " (" + r.tried + " of " + TRIES + ")" };
  }
  return { r: r, run: r.set, say: say };
}

// The boot code of `run` threw while it was evaluated (or is missing): a trial is rolled back at
// once (the record to write); the confirmed set changes nothing (undefined), and the restart counts
// a boot towards safe mode.
export function decideThrow(r: BootRecord | undefined, run: SetLetter | "safe", why: string): BootRecord | undefined {
  if (!r || run != r.trial) return;
  return { set: r.set, tried: 0, boots: r.boots, said: "rolled back: " + run + " failed at boot: " + why.slice(0, 60) };
}

// CONFIRM_MS after a set's boot (src/boot/tick.ts): a trial still on trial restarts (`restart`: a
// try more); a confirmed set that got this far resets `boots` (`r`: the record to write).
export function decideTick(stored: any): { r?: BootRecord; restart?: boolean } {
  if (!stored) return {};
  if (letter(stored.trial)) return { restart: true };
  if (stored.boots) {
    var r: BootRecord = { set: letter(stored.set) || "a", tried: 0, boots: 0 };
    if (stored.said) r.said = stored.said;
    return { r: r };
  }
  return {};
}
