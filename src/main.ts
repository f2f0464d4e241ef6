// Composition root: the only module that touches Espruino's globals and require().
import { BoardProfile } from "./ports";

var started = false;
var board: BoardProfile = __BOARD__;

function start() {
  if (started) return;
  started = true;
  print("lightnode " + __VERSION__ + " (relay " + board.relay + ")");
}

(global as any).help = function () {
  print("lightnode commands: help()");
};

E.on("init", start);
start();
