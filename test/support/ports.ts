// The simulated board's own parts (sim/), for unit tests and benches that hand the firmware's
// modules a port: the module object the firmware gets (the port's shape, ports.ts) and the test
// side that drives and inspects it. One implementation each, shared with the simulator.
import { nodeEnv } from "../../sim/node-env";
import { Clock, HOST_CLOCK } from "../../sim/clock";
import { FlashStorage, StorageOptions } from "../../sim/storage";
import { Network } from "../../sim/net";
import { AccessPoint, ApConfig, WifiTiming } from "../../sim/wifi";
import { Pins as SimPins } from "../../sim/pins";
import { Net, Pins, StorageModule, WifiModule } from "../../src/ports";

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

// Espruino's ESP8266 Wifi module before an access point: `wifi` for the firmware, `ap` for the test
// (apDown/apUp, configure, dhcp, calls, station). The radio runs on `clock` (under Espruino's timers:
// the sinon clock beneath them, as the board's radio is no JavaScript timer).
export function accessPoint(
  config: ApConfig,
  timing: WifiTiming = {},
  clock: Clock = HOST_CLOCK
): { wifi: WifiModule; ap: AccessPoint } {
  const { env, runtime, events } = nodeEnv();
  const ap = new AccessPoint(config, timing, clock);
  ap.powerOn(env, runtime, events, "5c:cf:7f:0a:1b:2c");
  return { wifi: ap.moduleObject, ap };
}

// Espruino's pins D0..D16 as main.ts hands them to the light (digitalWrite, digitalRead, pinMode and
// setWatch themselves): `pins` for the firmware, `wire` for the test (level, set, mode, watchesOn),
// and `log`: every write and pinMode in order ("write D12 1", "mode D12 output"). Debounce runs on
// `clock` (under Espruino's timers: the sinon clock beneath them).
export function boardPins(
  clock: Clock = HOST_CLOCK,
  inputs: { [pin: string]: boolean } = {}
): { pins: Pins; wire: SimPins; log: string[] } {
  const { env, runtime } = nodeEnv();
  const wire = new SimPins(inputs, clock);
  wire.powerOn(env, runtime);
  const g = wire.globals();
  const log: string[] = [];
  wire.observe((pin, e) => {
    if (e.kind === "write") log.push(`write ${pin} ${e.level ? 1 : 0}`);
    if (e.kind === "mode") log.push(`mode ${pin} ${e.mode}`);
  });
  return { pins: { write: g.digitalWrite, read: g.digitalRead, mode: g.pinMode, watch: g.setWatch }, wire, log };
}
