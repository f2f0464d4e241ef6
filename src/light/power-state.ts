// The light state at power-on: "on", "off", or "last" (restored from flash). Flips are saved only
// after the light has kept its state for SAVE_DELAY_MS, so a child flipping the switch for a minute
// costs one flash write, not hundreds; equal states are never rewritten.
import { PowerOn } from "../config";
import { Print } from "../ports";
import { Record } from "../store/record";

export var SAVE_DELAY_MS = 3000;

export interface PowerState {
  // The state the relay takes at boot.
  initial(power: PowerOn): boolean;
  // The light changed; saved later if `power` is "last".
  changed(on: boolean, power: PowerOn): void;
}

// Timer ids are guarded: on Espruino clearTimeout(undefined) clears every timer, and clearing one
// that already fired throws.
export function createPowerState(record: Record, print: Print): PowerState {
  var saved = record.read() === true;
  var timer: any;
  return {
    initial: function (power: PowerOn) {
      return power == "last" ? saved : power == "on";
    },
    changed: function (on: boolean, power: PowerOn) {
      if (timer) clearTimeout(timer);
      timer = 0;
      if (power != "last" || on === saved) return;
      timer = setTimeout(function () {
        timer = 0;
        if (record.write(on)) saved = on;
        else print("light: could not save state");
      }, SAVE_DELAY_MS);
    }
  };
}
