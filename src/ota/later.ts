// Runs the update receiver (OTA_FILE) from a timer, at the top level: used by the core for every
// update message and at ACTIVE (src/light/app.ts), and by the receiver for its own later steps.
// Espruino's eval runs code in its caller's scope, so a receiver evaluated inside a function makes
// each of its functions copy that function's scope chain, and a closure waiting in a timer keeps
// the whole receiver alive: a timer given a string is evaluated at the top level instead, and
// while it waits only the arguments are held (measured on espruino-esp8266-4mb: the peak of an
// update 150-200 variables lower). The calls wait in the global LNQ, oldest first, one per timer.
import { OTA_FILE } from "../config";

// `args`: the receiver's (cfg, payload, send, subscribe); run `ms` from now (or earlier, when a
// call queued before it fires first). Without the receiver's file (erased, or a set staged without
// it), a function that does nothing stands in: the call is dropped, as the queue is once empty.
export function later(args: any[], ms: number) {
  var g = global as any;
  (g.LNQ = g.LNQ || []).push(args);
  setTimeout(
    'try{eval(require("Storage").read("' +
      OTA_FILE +
      '")||"(function(){})").apply(0,LNQ.shift())}finally{LNQ.length||delete global.LNQ}',
    ms
  );
}
