// Leaving the broker on purpose, end to end on the built firmware in the simulator against aedes:
// offline() and forget() send DISCONNECT, which makes the broker drop the will, so the node says
// "offline" itself first (and forget() removes its Home Assistant entity).
import { strict as assert } from "node:assert";
import mqtt from "mqtt";
import { Simulator } from "../../sim/simulator";
import { startAedes, RunningBroker } from "../support/brokers";
import { AP, bringUp } from "../support/node";

// What a fresh subscriber receives as retained on `topic` within `ms` (undefined: nothing).
async function retained(broker: RunningBroker, topic: string, ms = 500): Promise<string | undefined> {
  const peer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  try {
    let got: string | undefined;
    peer.on("message", (t, p, packet) => {
      if (packet.retain) got = p.toString();
    });
    await peer.subscribeAsync(topic, { qos: 1 });
    await new Promise((r) => setTimeout(r, ms));
    return got;
  } finally {
    await peer.endAsync();
  }
}

describe("e2e: leaving the broker", function () {
  this.timeout(30000);
  let sim: Simulator | undefined;
  let broker: RunningBroker | undefined;

  afterEach(async function () {
    if (sim) await sim.stop();
    if (broker) await broker.close();
    sim = broker = undefined;
  });

  it("offline() leaves <base>/status retained \"offline\"; connect() makes it \"online\" again", async function () {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    await bringUp(sim, broker);
    assert.equal(await retained(broker, "living_room_lights/status"), "online");
    sim.type("offline()");
    await sim.waitFor(/Active -> Offline/, 5000);
    assert.equal(await retained(broker, "living_room_lights/status"), "offline");
    sim.type("connect()");
    await sim.waitFor(/LookingForBroker -> Active/, 10000);
    assert.equal(await retained(broker, "living_room_lights/status"), "online");
  });

  it("forget() says \"offline\" and removes the Home Assistant entity before it forgets the broker", async function () {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    await bringUp(sim, broker);
    const discovery = "homeassistant/light/+/config";
    assert.match((await retained(broker, discovery)) || "", /"uniq_id"/);
    sim.type("forget()");
    await sim.waitFor(/forgotten/, 5000);
    await sim.waitFor(/Active -> Offline/, 5000);
    assert.equal(await retained(broker, "living_room_lights/status"), "offline");
    assert.equal(await retained(broker, discovery), undefined);
  });
});
