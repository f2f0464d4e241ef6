// The loader's last statements (scripts/build.mjs appends them to src/boot/loader.ts's bundle, whose
// default export is the global LN): they run at the top level of .bootcde, never inside a function,
// because Espruino's eval() runs code in its caller's scope, and a set's code evaluated inside a
// function makes each of its functions keep a copy of the scope chain (about 175 variables more).
// LN is deleted once used: its functions would otherwise keep the loader's scope.
declare var LN: import("./loader").Choice;
try {
  eval(require("Storage").read(LN.f));
} catch (e) {
  LN.x(e);
}
delete (global as any).LN;
