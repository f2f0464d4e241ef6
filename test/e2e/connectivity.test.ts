// The built firmware (build/firmware.js) in the simulator, against a real aedes over loopback.
import { strict as assert } from "node:assert";
import { Simulator } from "../../sim/simulator";
import { startAedes } from "../support/brokers";
import { AP, configLine } from "../support/node";

describe("e2e: connectivity", function () {
  this.timeout(30000);
  let sim: Simulator | undefined;
  const brokers: { close(): Promise<void> }[] = [];
  afterEach(async function () {
    if (sim) await sim.stop();
    sim = undefined;
    for (const b of brokers.splice(0)) await b.close();
  });

  it("fresh board -> Offline -> config({...}) -> Active; survives a restart; no password printed", async function () {
    const broker = await startAedes();
    brokers.push(broker);
    sim = await Simulator.start({ ap: AP });
    // The state at boot is said in the words of every later change.
    await sim.waitFor(/\[net\] boot -> Offline\n\[net\] no config: run setup\(\)/);
    assert.equal(sim.telnet.mode, "off");
    sim.type(configLine(broker));
    await sim.waitFor(/saved/);
    await sim.waitFor(/Offline -> Disconnected/);
    await sim.waitFor(/Disconnected -> LookingForBroker/);
    await sim.waitFor(/LookingForBroker -> Active/, 10000);
    sim.type("config()");
    await sim.waitFor(/"password":"\*\*\*"/);
    await sim.restart();
    await sim.waitFor(/\[net\] boot -> Offline\n\[net\] Offline -> Disconnected/);
    await sim.waitFor(/LookingForBroker -> Active/, 10000);
    assert.equal(sim.wifi.saveCalls, 0);
    assert.deepEqual(sim.errors, []);
    assert.ok(!sim.output.includes(AP.password), "password in output");
  });

  it("reports a wrong Wi-Fi password as such", async function () {
    sim = await Simulator.start({ ap: AP });
    sim.type(`config({ssid:"${AP.ssid}",password:"wrong-password",broker:"127.0.0.1"})`);
    await sim.waitFor(/wifi: wrong password, retry in about \d+s/, 40000);
    assert.ok(!sim.output.includes("wrong-password"));
  });
});
