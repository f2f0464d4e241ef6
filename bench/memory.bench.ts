// RAM on the simulator running build/firmware.js: process.memory().usage (Espruino variables of
// 12 bytes, out of 1,600 on a 4 MB ESP8266) at boot, once Active, and after 200 commands and 200
// wall-switch flips. The simulator ESTIMATES usage from the objects the firmware can reach (see
// sim/memory.ts): a trend and a leak detector, not the board's exact figure.
import mqtt from "mqtt";
import { Simulator } from "../sim/simulator";
import { startAedes } from "../test/support/brokers";
import { bringUp } from "../test/support/node";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const broker = await startAedes();
  const sim = await Simulator.start({ inputs: { D0: true } });
  const usage = () => sim.evalJSON("process.memory()").usage as number;
  await sleep(200);
  const boot = usage();
  await bringUp(sim, broker);
  await sleep(500);
  const active = usage();
  const phone = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  for (let i = 0; i < 200; i++) {
    await phone.publishAsync("living_room_lights", i % 2 ? "off" : "on", { qos: 1 });
    sim.pins.set("D0", !sim.pins.level("D0"));
    await sleep(60);
  }
  await sleep(4000);
  const after = usage();
  console.log(`variables used (estimate, of ${sim.evalJSON("process.memory().total")}):`);
  console.log(`  at boot, Offline:                      ${boot}`);
  console.log(`  Active, subscribed:                    ${active}`);
  console.log(`  after 200 commands and 200 flips:      ${after}`);
  await phone.endAsync();
  await sim.stop();
  await broker.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
