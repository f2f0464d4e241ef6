// The status LED: blinks while joining Wi-Fi, blinks fast while looking for the broker, blinks
// slowly while Offline (waiting for configuration), and shows the light when Active.
import { NodeState } from "../app-hooks";
import { Pins } from "../ports";

// Half-period of each blinking state in ms; states absent here show the light.
var BLINK: { [state: string]: number } = { Offline: 1000, Disconnected: 500, LookingForBroker: 100 };

export interface Led {
  state(state: NodeState): void;
  light(on: boolean): void;
}

// `timer` is guarded: on Espruino clearInterval(undefined) clears every interval.
export function createLed(pins: Pins, pin: string, activeLow: boolean): Led {
  var timer: any;
  var lit = false;
  var on = false;
  function write(level: boolean) {
    lit = level;
    pins.write(pin, level !== activeLow);
  }
  write(false);
  pins.mode(pin, "output");
  return {
    state: function (state: NodeState) {
      if (timer) clearInterval(timer);
      timer = 0;
      var half = BLINK[state];
      if (half)
        timer = setInterval(function () {
          write(!lit);
        }, half);
      write(on);
    },
    light: function (light: boolean) {
      on = light;
      if (!timer) write(on);
    }
  };
}
