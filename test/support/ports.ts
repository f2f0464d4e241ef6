// The simulated board's own parts (sim/), for unit tests and benches that hand the firmware's
// modules a port: the module object the firmware gets (the port's shape, ports.ts) and the test
// side that drives and inspects it. One implementation each, shared with the simulator.
import { nodeEnv } from "../../sim/node-env";
import { FlashStorage, StorageOptions } from "../../sim/storage";
import { StorageModule } from "../../src/ports";

// The board's E.CRC32, which the firmware's record store is handed.
export { crc32 as crc } from "../../sim/crc32";

// Espruino's Storage in memory: `storage` for the firmware, `flash` for the test.
export function flashStorage(options: StorageOptions = {}): { storage: StorageModule; flash: FlashStorage } {
  const { env, runtime } = nodeEnv();
  const flash = new FlashStorage(options);
  return { storage: flash.module(env, runtime), flash };
}
