// Retry delays that never storm: 1 s doubling to 60 s, each +-20% at random; wrong credentials
// wait SLOW (they will not fix themselves within a minute). The runner counts the retries and
// starts again from 0 on success.
export var SLOW = 300000;

// `random` is Math.random on the board, a fixed function in tests. The delay of retry n (0, 1, ...),
// or of a slow retry for n < 0.
export function backoff(random: () => number) {
  return function (n: number) {
    return Math.round((n < 0 ? SLOW : Math.min(1000 * Math.pow(2, n), 60000)) * (0.8 + 0.4 * random()));
  };
}
