// The relay output. The pin's level is written before the pin becomes an output, so the first
// level it ever drives is the final one: no blip at boot, whatever the power-on state.
import { Pins } from "../ports";

export interface Relay {
  set(on: boolean): void;
  readonly on: boolean;
}

// Drives `pin` so that the relay is `initial`; `activeLow` relays are energised by a low level.
export function createRelay(pins: Pins, pin: string, activeLow: boolean, initial: boolean): Relay {
  var relay = {
    on: initial,
    set: function (on: boolean) {
      relay.on = on;
      pins.write(pin, on !== activeLow);
    }
  };
  pins.write(pin, initial !== activeLow);
  pins.mode(pin, "output");
  return relay;
}
