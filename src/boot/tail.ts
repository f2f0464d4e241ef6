// The loader's last statements: scripts/build.mjs appends them to src/boot/loader.ts's bundle,
// whose default export (src/boot/runner.ts's Choice, plain values) is the global LN. They run at
// the top level of .bootcde, never inside a function, because Espruino's eval() runs code in its
// caller's scope, and a set's code evaluated inside a function makes each of its functions keep a
// copy of the scope chain (measured: about 175 variables more). When the set's boot code throws,
// TICK_FILE (src/boot/tick.ts) decides, at the top level too, with the error in LN.e. The tick's
// timer is a function of this top level, so that it keeps no scope (8 variables until it fires;
// a closure of the loader kept about 20).
declare var LN: import("./runner").Choice;
if (LN.f) {
  try {
    eval(require("Storage").read(LN.f));
  } catch (e) {
    LN.e = e;
    eval(require("Storage").read("ln.tick"));
  }
}
// TICK_FILE (src/boot/boot-record.ts), CONFIRM_MS after the boot. Its id as the global LNT, so
// that a set's update receiver, once Active and confirmed, cancels it (the tick has nothing left
// to do then, and its timer costs 8 variables for 10 minutes); the tick deletes LNT as it fires,
// so a stale id (Espruino reuses them) is never cleared.
if (LN.t) {
  (global as any).LNT = setTimeout(function () {
    delete (global as any).LNT;
    eval(require("Storage").read("ln.tick"));
  }, LN.t);
}
delete (global as any).LN;
