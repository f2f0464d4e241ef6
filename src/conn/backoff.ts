// Retry delays that never storm: 1 s doubling to 60 s, each +-20% at random, back to 1 s on
// success; wrong credentials wait SLOW (they will not fix themselves within a minute).
export var SLOW = 300000;

export interface Backoff {
  next(): number;
  slow(): number;
  reset(): void;
}

// `random` is Math.random on the board, a seeded or fixed function in tests.
export function backoff(random: () => number): Backoff {
  var base = 1000;
  function jitter(ms: number) {
    return Math.round(ms * (0.8 + 0.4 * random()));
  }
  return {
    next: function () {
      var ms = jitter(base);
      base = Math.min(base * 2, 60000);
      return ms;
    },
    slow: function () {
      return jitter(SLOW);
    },
    reset: function () {
      base = 1000;
    }
  };
}
