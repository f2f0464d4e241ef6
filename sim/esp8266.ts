// Espruino's `ESP8266` module: board state and the reason for the last reset.
import { Realm } from "./realm";
import { Runtime } from "./runtime";

export type ResetReason = "power on" | "software restart" | "hardware watchdog" | "exception";
const RESET_CODES: { [k in ResetReason]: number } = {
  "power on": 0,
  "hardware watchdog": 1,
  exception: 2,
  "software restart": 4
};

export function esp8266Module(
  realm: Realm,
  runtime: Runtime,
  info: { reset: ResetReason; flashKB: number; freeHeap: () => number }
): any {
  return realm.obj({
    getState() {
      runtime.check();
      return realm.copy({
        sdkVersion: "2.2.1(6ab97e9)",
        cpuFrequency: 160,
        freeHeap: info.freeHeap(),
        maxCon: 10,
        flashMap: info.flashKB >= 4096 ? "4MB:1024/1024" : "512KB:256/256",
        flashKB: info.flashKB,
        flashChip: "0xe0 0x4016"
      });
    },
    getResetInfo() {
      runtime.check();
      return realm.copy({
        code: RESET_CODES[info.reset],
        reason: info.reset,
        exccause: 0,
        epc1: 0,
        epc2: 0,
        epc3: 0,
        excvaddr: 0,
        depc: 0
      });
    }
  });
}
