// A node:vm context trimmed to what Espruino 2v29 offers (see shared/espruino.md), plus helpers to
// make objects, arrays and errors that belong to that context, so firmware code never meets a
// host-realm value (whose prototype would carry V8 extras the board lacks).
import vm from "node:vm";

// Globals V8 gives a fresh context that Espruino does not have. `console` is replaced by ours.
const ABSENT_GLOBALS = [
  "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "Symbol", "Proxy", "Reflect",
  "BigInt", "BigInt64Array", "BigUint64Array", "Intl", "SharedArrayBuffer", "Atomics", "WebAssembly",
  "AggregateError", "RangeError", "EvalError", "URIError", "structuredClone", "queueMicrotask", "console"
];

// Static and prototype members V8 has and Espruino lacks; each is deleted from its owner.
const ABSENT_MEMBERS: Array<[string, string[]]> = [
  ["Object", ["freeze", "seal", "is", "isFrozen", "isSealed", "preventExtensions", "isExtensible",
    "getOwnPropertySymbols", "fromEntries", "entries", "values", "groupBy", "hasOwn"]],
  ["Array", ["from", "of"]],
  ["Math", ["trunc", "cbrt", "expm1", "log1p", "log10", "log2", "hypot", "fround", "imul", "clz32",
    "sign", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"]],
  ["Number", ["isInteger", "isFinite", "isNaN", "isSafeInteger", "parseFloat", "parseInt", "EPSILON",
    "MAX_SAFE_INTEGER", "MIN_SAFE_INTEGER"]],
  ["Promise", ["race", "allSettled", "any", "withResolvers"]],
  ["Promise.prototype", ["finally"]],
  ["String.prototype", ["trimStart", "trimEnd", "trimLeft", "trimRight", "search", "matchAll", "normalize",
    "codePointAt", "at", "replaceAll", "localeCompare", "isWellFormed", "toWellFormed"]],
  ["Uint8Array.prototype", ["slice"]],
  ["Object.getPrototypeOf(Uint8Array.prototype)", ["slice", "at", "findLast", "findLastIndex", "toReversed",
    "toSorted", "with"]]
];

export interface Realm {
  context: vm.Context;
  // The context's global object (Espruino's `global`).
  global: any;
  run(code: string, filename?: string): any;
  // A plain object of the context, with the given own properties.
  obj(props?: { [k: string]: any }): any;
  // A deep copy of JSON-able host data made of the context's objects and arrays.
  copy(value: any): any;
  error(message: string, type?: string): any;
}

export function createRealm(): Realm {
  const context = vm.createContext({}, { name: "espruino", codeGeneration: { strings: true, wasm: false } });
  const run = (code: string, filename = "sim") => vm.runInContext(code, context, { filename });
  const global = run("this");
  for (const name of ABSENT_GLOBALS) delete global[name];
  for (const [owner, members] of ABSENT_MEMBERS) {
    const target = run(owner);
    for (const m of members) delete target[m];
  }
  global.global = global;
  const ObjectC = global.Object;
  const JSONC = global.JSON;
  return {
    context,
    global,
    run,
    obj: (props = {}) => ObjectC.assign(ObjectC.create(ObjectC.prototype), props),
    copy: (value: any) => (value === undefined ? undefined : JSONC.parse(JSON.stringify(value))),
    error: (message: string, type = "Error") => new global[type](message)
  };
}
