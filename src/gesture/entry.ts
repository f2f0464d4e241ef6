// The gestures' code as a Storage file of its own (GESTURE_FILE: ln.a.gst / ln.b.gst, 4 MB boards
// only): the app evaluates it at each edge of the wall switch while gestures are on
// (src/light/app.ts), and keeps none of its functions once the gesture is over: a gesture happens a
// few times a day. The file is one expression, this function.
import { Edge, G, gesture } from "./gesture";

// What the app holds between edges: 0 when no gesture is under way, else the state and the id of
// the timer armed for it (0: none).
export type Held = { s: G; t: any } | 0;

// Takes one input; `out` gets what the app must hold now, and the gesture to say ("" for none).
// The timer's callback runs the next step with what it armed, which is what the app holds then:
// each edge cancels the timer before (a timer that ran out is not cleared: Espruino reuses ids).
function run(e: Edge, held: Held, out: (held: Held, said: string) => void) {
  var step = gesture(held ? held.s : G.IDLE, e);
  var next: Held = 0;
  if (held && held.t && e != Edge.TIMEOUT) clearTimeout(held.t);
  if (step[0])
    next = {
      s: step[0],
      t:
        step[2] &&
        setTimeout(function () {
          run(Edge.TIMEOUT, next, out);
        }, step[2])
    };
  out(next, step[1]);
}

export default run;
