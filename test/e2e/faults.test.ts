// Faults end to end, on the built firmware in the simulator against a real aedes: the access point
// and the broker going away and coming back, a power cut in the middle of saving the configuration,
// and a corrupt flash record. Each has a defined outcome, and the stored configuration survives.
import { strict as assert } from "node:assert";
import { Simulator } from "../../sim/simulator";
import { startAedes, RunningBroker } from "../support/brokers";
import { AP, bringUp, configLine } from "../support/node";

const MQTT_PASSWORD = "mqtt-secret-pw";

describe("e2e: faults", function () {
  this.timeout(60000);
  let sim: Simulator | undefined;
  let broker: RunningBroker | undefined;

  afterEach(async function () {
    if (sim) {
      assert.ok(!sim.output.includes(AP.password), "Wi-Fi password in the console output");
      assert.ok(!sim.output.includes(MQTT_PASSWORD), "MQTT password in the console output");
      await sim.stop();
    }
    if (broker) await broker.close();
    sim = broker = undefined;
  });

  // A configured node, Active against a fresh broker that accepts user "node".
  async function activeNode(): Promise<Simulator> {
    broker = await startAedes({ users: { node: MQTT_PASSWORD } });
    sim = await Simulator.start({ ap: AP, silentCloseMs: 300 });
    await bringUp(sim, broker, `user:"node",pass:"${MQTT_PASSWORD}"`);
    return sim;
  }

  it("subscribes each topic once per connection, also after the broker drops the link", async function () {
    const aedes = await startAedes();
    broker = aedes;
    const per: string[][] = [];
    aedes.aedes.on("client", () => per.push([]));
    aedes.aedes.on("subscribe", (subs: Array<{ topic: string }>) =>
      per[per.length - 1].push(...subs.map((x) => x.topic))
    );
    sim = await Simulator.start({ ap: AP });
    await bringUp(sim, aedes);
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 300));
      sim.net.dropAll();
      await sim.waitFor(/LookingForBroker -> Active/, 15000);
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(per.length, 3);
    for (const topics of per) assert.deepEqual(topics.sort(), ["homeassistant/status", "living_room_lights"]);
  });

  it("access point disappears and returns: Disconnected, then Active again by itself", async function () {
    const node = await activeNode();
    const relay = node.pins.level("D12");
    node.wifi.apDown();
    await node.waitFor(/wifi: lost/, 5000);
    await node.waitFor(/Active -> Disconnected/, 5000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(node.pins.level("D12"), relay, "losing Wi-Fi does not touch the light");
    node.wifi.apUp();
    await node.waitFor(/Disconnected -> LookingForBroker/, 20000);
    await node.waitFor(/LookingForBroker -> Active/, 20000);
    assert.deepEqual(node.errors, []);
  });

  it("broker stopped and restarted: LookingForBroker, then Active again by itself", async function () {
    const node = await activeNode();
    const port = broker!.port;
    await broker!.close();
    broker = undefined;
    await node.waitFor(/Active -> LookingForBroker/, 10000);
    await node.waitFor(/mqtt: (connect failed|connection lost)/, 10000);
    broker = await startAedes({ port, users: { node: MQTT_PASSWORD } });
    await node.waitFor(/LookingForBroker -> Active/, 20000);
    assert.deepEqual(node.errors, []);
  });

  it("refused MQTT credentials are reported as such and retried slowly", async function () {
    broker = await startAedes({ users: { node: "another-password" } });
    sim = await Simulator.start({ ap: AP });
    sim.type(configLine(broker, `user:"node",pass:"${MQTT_PASSWORD}"`));
    const m = await sim.waitFor(/mqtt: refused: bad user name or password, retry in about (\d+)s/, 15000);
    assert.ok(Number(m[1]) >= 200, "refused credentials retry slowly, not in a storm: " + m[0]);
  });

  it("a power cut while config() saves leaves the old or the new configuration, never neither", async function () {
    const node = await activeNode();
    node.storage.powerCutDuringNextWrite();
    node.type(`config({topic:"kitchen_lights"})`);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(node.dead, "the simulated board lost power during the write");
    await node.restart();
    await node.waitFor(/LookingForBroker -> Active/, 15000);
    node.type("config()");
    const shown = await node.waitFor(/\{[^\n]*"topic":"(living_room_lights|kitchen_lights)"[^\n]*\}/, 5000);
    assert.match(shown[0], /"ssid":"lightnode-sim"/);
    assert.match(shown[0], /"password":"\*\*\*"/);
    assert.match(shown[0], /"pass":"\*\*\*"/);
  });

  it("a corrupt record is reported and treated as absent; the next config() stores a good one", async function () {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    await bringUp(sim, broker);
    for (const name of sim.storage.names().filter((n) => n.startsWith("cfg."))) sim.storage.corrupt(name, { at: 12 });
    await sim.restart();
    await sim.waitFor(/cfg\.\d: (corrupt|checksum)/, 5000);
    await sim.waitFor(/no config: run setup\(\)/, 5000);
    await bringUp(sim, broker);
    await sim.restart();
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
    assert.deepEqual(sim.errors, []);
  });

  it("a wrong password at the console is refused with the field's rule, and nothing is saved", async function () {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    await bringUp(sim, broker);
    const writes = sim.storage.writes;
    sim.type(`config({password:"short", port:99999})`);
    const err = await sim.waitFor(/error: [^\n]*\(nothing saved\)/, 5000);
    assert.match(err[0], /password|port/);
    assert.ok(!err[0].includes("short"), "the refused password is not echoed");
    assert.equal(sim.storage.writes, writes, "nothing written to flash");
    await sim.restart();
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
  });
});
