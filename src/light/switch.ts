// The wall switch input. Pins.watch debounces contact bounce (about 50 ms) and reports levels;
// this turns levels into "the user asked to toggle", per switch mode:
// - toggle / detached: a latching wall switch; every change of level is one flip.
// - button: a push button; only the press edge counts, the release is ignored.
import { Pins } from "../ports";
import { SwitchMode } from "../config";

export var DEBOUNCE_MS = 50;

// `mode()` is read at each edge so a configuration change applies without re-watching the pin.
export function watchSwitch(
  pins: Pins,
  pin: string,
  pressedLow: boolean,
  mode: () => SwitchMode,
  onFlip: () => void
): any {
  pins.mode(pin, pressedLow ? "input_pullup" : "input");
  var last = pins.read(pin);
  return pins.watch(pin, DEBOUNCE_MS, function (level: boolean) {
    if (level === last) return;
    last = level;
    if (mode() !== "button" || level !== pressedLow) onFlip();
  });
}
