// The node's configuration in flash: one record ("cfg"), validated on every write and read. An
// invalid record is reported and treated as absent, never overwritten by a read.
import { Config } from "../config";
import { Print, StorageModule } from "../ports";
import { openRecord } from "./record";
import { check } from "./validate";

export interface ConfigStore {
  // The valid stored configuration, or undefined (why is logged).
  load(): Config | undefined;
  // The first broken rule, "flash write failed", or undefined once saved.
  save(c: Config): string | undefined;
  erase(): void;
  // Defaults for every field; ssid, password and broker empty (so not yet valid).
  defaults(): Config;
}

// `serial` is getSerial(), "aabbccdd-eeff": the default client id ends with the MAC's last 3 bytes.
export function configStore(storage: StorageModule, crc: (s: string) => number, serial: string, log: Print): ConfigStore {
  var rec = openRecord(storage, "cfg", 1, crc, log);
  function defaults(): Config {
    return {
      ssid: "", password: "", broker: "", port: 1883,
      id: "lightnode-" + serial.replace(/[^0-9a-fA-F]/g, "").slice(-6).toLowerCase(),
      user: "", pass: "", topic: "living_room_lights", keepalive: 30,
      telnet: false, mode: "toggle", power: "last", retained: false, discovery: true
    };
  }
  return {
    defaults: defaults,
    load: function () {
      var data = rec.read();
      if (!data) return;
      // Fields added by a later firmware take their defaults.
      var c: any = defaults();
      for (var k in data) c[k] = data[k];
      var e = check(c);
      if (!e) return c;
      log("cfg: " + e);
      return;
    },
    save: function (c: Config) {
      return check(c) || (rec.write(c) ? undefined : "flash write failed");
    },
    erase: rec.erase
  };
}
