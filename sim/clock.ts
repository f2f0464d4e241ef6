// The host timers under the simulated hardware (Wi-Fi joins, debounce, socket silence, the
// firmware's own timers). By default Node's, looked up at each call, so that sinon fake timers a
// test installs after the simulator started drive them; a unit test that replaces the globals with
// Espruino's timers (test/support/espruino-timers.ts) hands in the sinon clock underneath instead.
export interface Clock {
  setTimeout(fn: () => void, ms: number): any;
  clearTimeout(handle: any): void;
  setInterval(fn: () => void, ms: number): any;
  clearInterval(handle: any): void;
}

export const HOST_CLOCK: Clock = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle)
};
