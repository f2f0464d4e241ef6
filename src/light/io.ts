// The light's pins: the relay and status LED outputs, and the wall-switch input.
import { NodeState } from "../app-hooks";
import { Pins } from "../ports";

// Half-period of each blinking state in ms; states absent here show the light.
var BLINK: { [state: string]: number } = { Offline: 1000, Disconnected: 500, LookingForBroker: 100 };

// Drives `pin` (`activeLow`: on is a low level) and returns its setter. The level is written
// before the pin becomes an output, so the first level it ever drives is the final one: the relay
// never blips at boot, whatever the power-on state.
export function output(pins: Pins, pin: string, activeLow: boolean, on: boolean) {
  function set(on: boolean) {
    pins.write(pin, on != activeLow);
  }
  set(on);
  pins.mode(pin, "output");
  return set;
}

// The status LED: blinks slowly while Offline (waiting for configuration), blinks while joining
// Wi-Fi, fast while looking for the broker, and shows light() when Active. The returned show(state)
// is called at each state change, and show() when the light changed (a blink is not disturbed).
// `timer` is guarded: on Espruino clearInterval(undefined) clears every interval.
export function createLed(pins: Pins, pin: string, activeLow: boolean, light: () => boolean) {
  var timer: any;
  var lit = false;
  var write = output(pins, pin, activeLow, lit);
  function level(on: boolean) {
    write((lit = on));
  }
  return function (state?: NodeState) {
    if (state) {
      if (timer) clearInterval(timer);
      timer = BLINK[state] && setInterval(function () {
        level(!lit);
      }, BLINK[state]);
    }
    if (state || !timer) level(light());
  };
}

// The wall switch. Pins.watch debounces contact bounce (50 ms) and reports levels; onChange hears
// each real change of level, and whether it is the press (a low level when `pressedLow`).
export function watchSwitch(pins: Pins, pin: string, pressedLow: boolean, onChange: (pressed: boolean) => void) {
  pins.mode(pin, pressedLow ? "input_pullup" : "input");
  var last = pins.read(pin);
  pins.watch(pin, 50, function (level: boolean) {
    if (level != last) onChange((last = level) != pressedLow);
  });
}
