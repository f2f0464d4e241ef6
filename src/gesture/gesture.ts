// The wall switch's gestures (issue 21), as a pure step: a state and an input give the next state,
// the gesture to say (if any) and the timer to arm. src/gesture/entry.ts runs it with Espruino's
// timers; the edges come debounced (the app's setWatch, 50 ms), one press and one release in turn.
//
//   state  input    next   says     timer
//   IDLE   PRESS    DOWN            HOLD_MS     a gesture starts
//   DOWN   RELEASE  UP              WINDOW_MS   released in time: a second press may follow
//   DOWN   TIMEOUT  DONE   hold                 held HOLD_MS
//   UP     PRESS    DONE   double               the second press, said at once
//   UP     TIMEOUT  IDLE   single               no second press within WINDOW_MS
//   DONE   RELEASE  IDLE                        the button is let go after a hold or a double
// Anything else (a release seen first, when gestures were switched on with the button held) goes
// back to IDLE and says nothing. A third press starts a new gesture.

// The inputs: the button pressed, released, or the armed timer ran out.
export const enum Edge {
  PRESS,
  RELEASE,
  TIMEOUT
}

// IDLE is 0, so that a state reads as false when no gesture is under way.
export const enum G {
  IDLE,
  DOWN,
  UP,
  DONE
}

// How long a press is held to be a hold, and how long after a release a second press makes a
// double (Tasmota's defaults are 1 s and about 0.5 s; ESPHome's double click, 50-400 ms).
export var HOLD_MS = 1000;
export var WINDOW_MS = 300;

// The next state, the gesture said ("" for none) and the timer to arm in ms (0: none; any timer
// armed before is void).
export type Step = [G, string, number];

export function gesture(s: G, e: Edge): Step {
  if (e == Edge.PRESS) return s == G.UP ? [G.DONE, "double", 0] : [G.DOWN, "", HOLD_MS];
  if (e == Edge.RELEASE) return s == G.DOWN ? [G.UP, "", WINDOW_MS] : [G.IDLE, "", 0];
  return s == G.DOWN ? [G.DONE, "hold", 0] : [G.IDLE, s == G.UP ? "single" : "", 0];
}
