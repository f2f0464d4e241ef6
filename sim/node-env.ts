// The ports' cores (timers, Wifi, net, Storage, pins) serving code that runs on Node itself: unit
// tests and benches hand the firmware's modules the same implementations the simulated board has,
// with Node's objects in place of the vm realm's. Exceptions thrown by firmware callbacks are
// rethrown, so that a test fails on them instead of printing `Uncaught`.
import { Env } from "./realm";
import { Runtime, Events } from "./runtime";

export interface NodeEnv {
  env: Env;
  runtime: Runtime;
  events: Events;
}

export function nodeEnv(): NodeEnv {
  const runtime = new Runtime((err) => {
    throw err;
  });
  const events = new Events(runtime);
  // Espruino gives every object on/emit; here only the objects the cores make have them.
  const proto = Object.create(Object.prototype);
  const methods = events.methods();
  for (const name of Object.keys(methods))
    Object.defineProperty(proto, name, { value: methods[name], writable: true, configurable: true, enumerable: false });
  const env: Env = {
    global: globalThis,
    run: (code) => (0, eval)(code),
    obj: (props = {}) => Object.assign(Object.create(proto), props),
    copy: (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value))),
    error: (message, type = "Error") => new (globalThis as any)[type](message)
  };
  return { env, runtime, events };
}
