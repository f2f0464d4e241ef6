// What V8 has and Espruino 2v29 lacks (shared/espruino.md, and Espruino's source: no wrapper
// defines these). One list for both sides: the simulator's realm (sim/realm.ts) deletes each entry,
// and the gate (scripts/espruino-gate.mjs) flags each in the built bundle. Add a missing one here.

export const ABSENT_GLOBALS = [
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "WeakRef",
  "FinalizationRegistry",
  "Symbol",
  "Proxy",
  "Reflect",
  "BigInt",
  "BigInt64Array",
  "BigUint64Array",
  "Intl",
  "SharedArrayBuffer",
  "Atomics",
  "WebAssembly",
  "AggregateError",
  "RangeError",
  "EvalError",
  "URIError",
  "structuredClone",
  "queueMicrotask"
];

export const ABSENT_STATICS = {
  Object: [
    "freeze",
    "seal",
    "is",
    "isFrozen",
    "isSealed",
    "preventExtensions",
    "isExtensible",
    "getOwnPropertySymbols",
    "fromEntries",
    "entries",
    "values",
    "groupBy",
    "hasOwn"
  ],
  Array: ["from", "of"],
  Math: [
    "trunc",
    "cbrt",
    "expm1",
    "log1p",
    "log10",
    "log2",
    "hypot",
    "fround",
    "imul",
    "clz32",
    "sign",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh"
  ],
  Number: [
    "isInteger",
    "isFinite",
    "isNaN",
    "isSafeInteger",
    "parseFloat",
    "parseInt",
    "EPSILON",
    "MAX_SAFE_INTEGER",
    "MIN_SAFE_INTEGER"
  ],
  Promise: ["race", "allSettled", "any", "withResolvers"]
};

// Prototype methods, by owner. "TypedArray.prototype" is the prototype every typed array shares.
export const ABSENT_METHODS = {
  "Array.prototype": [
    "at",
    "findLast",
    "findLastIndex",
    "flat",
    "flatMap",
    "toReversed",
    "toSorted",
    "toSpliced",
    "with",
    "copyWithin"
  ],
  "String.prototype": [
    "trimStart",
    "trimEnd",
    "trimLeft",
    "trimRight",
    "search",
    "matchAll",
    "normalize",
    "codePointAt",
    "at",
    "replaceAll",
    "localeCompare",
    "isWellFormed",
    "toWellFormed"
  ],
  "Promise.prototype": ["finally"],
  "TypedArray.prototype": ["slice", "at", "findLast", "findLastIndex", "toReversed", "toSorted", "with"]
};

// Methods the gate cannot flag by name, because Espruino has the name on another type (strings and
// arrays have `slice`): the realm alone enforces them.
export const NOT_BY_NAME = ["slice"];
