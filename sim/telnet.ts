// Espruino's `TelnetServer` module (4 MB ESP8266 build): an unauthenticated JavaScript console
// on TCP port 23, on by default. The simulator opens no port; it records the mode so tests can
// check the firmware switched it off. The 512 KB build has no such module (require() throws).
import { Realm } from "./realm";
import { Runtime } from "./runtime";

export class Telnet {
  // "on" at power-on, as on the board; firmware may set "off" or "on"/"sta".
  mode = "on";
  setOptionsCalls = 0;

  powerOn(): void {
    this.mode = "on";
  }

  module(realm: Realm, runtime: Runtime): any {
    return realm.obj({
      setOptions: (options: any) => {
        runtime.check();
        this.setOptionsCalls++;
        if (options && options.mode !== undefined) this.mode = String(options.mode);
      }
    });
  }
}
