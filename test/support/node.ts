// Bringing a simulated node onto a broker, as the end-to-end tests and benches all do.
import { Simulator } from "../../sim/simulator";

// The simulator's default access point.
export const AP = { ssid: "lightnode-sim", password: "correct horse" };

// The config({...}) line that joins AP and the broker on 127.0.0.1; `extra` is more fields as typed,
// e.g. `user:"node"`.
export function configLine(broker: { port: number }, extra = ""): string {
  return `config({ssid:"${AP.ssid}",password:"${AP.password}",broker:"127.0.0.1",port:${broker.port}${extra ? "," + extra : ""}})`;
}

// Types the configuration and waits until the node reports Active.
export async function bringUp(sim: Simulator, broker: { port: number }, extra = ""): Promise<void> {
  sim.type(configLine(broker, extra));
  await sim.waitFor(/LookingForBroker -> Active/, 15000);
}
