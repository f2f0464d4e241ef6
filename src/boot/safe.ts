// Safe mode's file (SAFE_FILE, src/boot/safe-mode.ts): the composition root, handing it Espruino's
// parts. The loader's tail evaluates it at the top level, as it does a set's boot code.
import { stopSafeMode, startSafeMode } from "./safe-mode";

startSafeMode({
  pins: { write: digitalWrite, read: digitalRead, mode: pinMode, watch: setWatch },
  board: __BOARD__,
  storage: require("Storage"),
  crc: E.CRC32,
  print: print,
  wifi: require("Wifi"),
  net: require("net"),
  serial: getSerial(),
  restart: load,
  evaluate: function (file: string) {
    var code = require("Storage").read(file);
    return code && (0, eval)(code);
  }
});
E.on("kill", stopSafeMode);
