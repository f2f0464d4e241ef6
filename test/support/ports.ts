// The simulated board's own parts (sim/), for unit tests and benches that hand the firmware's
// modules a port: the module object the firmware gets (the port's shape, ports.ts) and the test
// side that drives and inspects it. One implementation each, shared with the simulator.
import { nodeEnv } from "../../sim/node-env";
import { FlashStorage, StorageOptions } from "../../sim/storage";
import { Network } from "../../sim/net";
import { Net, StorageModule } from "../../src/ports";

// The board's E.CRC32, which the firmware's record store is handed.
export { crc32 as crc } from "../../sim/crc32";

// Espruino's Storage in memory: `storage` for the firmware, `flash` for the test.
export function flashStorage(options: StorageOptions = {}): { storage: StorageModule; flash: FlashStorage } {
  const { env, runtime } = nodeEnv();
  const flash = new FlashStorage(options);
  return { storage: flash.module(env, runtime), flash };
}

// Espruino's `net` over real TCP, on a Wi-Fi link that is always up: `net` for the firmware,
// `network` for the test (dropAll, destroyAll, connections).
export function tcpNet(): { net: Net; network: Network } {
  const { env, runtime, events } = nodeEnv();
  const network = new Network(() => true);
  network.powerOn(env, runtime, events);
  return { net: network.module(), network };
}
