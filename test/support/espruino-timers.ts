// Espruino's timer functions over sinon's fake clock, for unit tests of the firmware's modules: the
// simulated board's own timers (sim/timers.ts, numeric ids, the same clear semantics), installed as
// the globals those modules call. clock.restore() puts Node's back.
import { Timers } from "../../sim/timers";
import { nodeEnv } from "../../sim/node-env";

const NAMES = ["setTimeout", "setInterval", "clearTimeout", "clearInterval"];

export function espruinoTimers(sinon: any, now = 0) {
  const clock = sinon.useFakeTimers(now);
  const { env, runtime } = nodeEnv();
  const timers = new Timers(env, runtime, clock);
  const saved: { [name: string]: any } = {};
  for (const name of NAMES) saved[name] = (globalThis as any)[name];
  Object.assign(globalThis, timers.globals());
  const restore = clock.restore.bind(clock);
  // Once only: sinon.restore() calls it again, which would put sinon's stopped fakes back.
  let restored = false;
  clock.restore = () => {
    if (restored) return;
    restored = true;
    Object.assign(globalThis, saved);
    restore();
  };
  return clock;
}
