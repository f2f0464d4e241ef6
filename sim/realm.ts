// A node:vm context trimmed to what Espruino 2v29 offers (scripts/espruino-absent.mjs), plus helpers to
// make objects, arrays and errors that belong to that context, so firmware code never meets a
// host-realm value (whose prototype would carry V8 extras the board lacks).
import vm from "node:vm";
// @ts-ignore: plain ES module shared with the gate (scripts/espruino-gate.mjs)
import { ABSENT_GLOBALS, ABSENT_STATICS, ABSENT_METHODS } from "../scripts/espruino-absent.mjs";

// Owners as the realm names them: the typed arrays' shared prototype has no global name.
const OWNERS: { [name: string]: string } = { "TypedArray.prototype": "Object.getPrototypeOf(Uint8Array.prototype)" };

// The world the firmware's code runs in, as the ports' cores (timers, wifi, net, storage, pins) see
// it: this realm for the simulator, Node itself for unit tests and benches (node-env.ts).
export interface Env {
  // The global object (Espruino's `global`).
  global: any;
  run(code: string, filename?: string): any;
  // A plain object of the context (with Espruino's on/emit), with the given own properties.
  obj(props?: { [k: string]: any }): any;
  // A deep copy of JSON-able host data made of the context's objects and arrays.
  copy(value: any): any;
  error(message: string, type?: string): any;
}

export interface Realm extends Env {
  context: vm.Context;
}

export function createRealm(): Realm {
  const context = vm.createContext({}, { name: "espruino", codeGeneration: { strings: true, wasm: false } });
  const run = (code: string, filename = "sim") => vm.runInContext(code, context, { filename });
  const global = run("this");
  // `console` is there too, but replaced by the board's own (console.ts).
  for (const name of ABSENT_GLOBALS.concat("console")) delete global[name];
  const owners: { [owner: string]: string[] } = { ...ABSENT_STATICS, ...ABSENT_METHODS };
  for (const owner of Object.keys(owners)) {
    const target = run(OWNERS[owner] || owner);
    for (const m of owners[owner]) delete target[m];
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
