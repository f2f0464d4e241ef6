import { strict as assert } from "node:assert";
import mqtt from "mqtt";
import { startAedes, startMosquitto, requireMosquitto, RunningBroker } from "./support/brokers";

// Round-trips one message through a broker with the independent `mqtt` client.
async function roundTrip(broker: RunningBroker, auth?: { username: string; password: string }): Promise<string> {
  const client = await mqtt.connectAsync(broker.url, { ...auth, reconnectPeriod: 0 });
  try {
    const got = new Promise<string>((resolve) => client.on("message", (_t, p) => resolve(p.toString())));
    await client.subscribeAsync("probe/topic", { qos: 1 });
    await client.publishAsync("probe/topic", "hello", { qos: 1 });
    return await got;
  } finally {
    await client.endAsync();
  }
}

describe("test brokers", function () {
  it("aedes relays a message over loopback TCP", async function () {
    const broker = await startAedes();
    try {
      assert.equal(await roundTrip(broker), "hello");
    } finally {
      await broker.close();
    }
  });

  it("mosquitto with a password file accepts the right user and refuses a wrong one", async function () {
    const bin = requireMosquitto(this);
    const broker = await startMosquitto(bin, { users: { node: "s3cret-pw" } });
    try {
      assert.equal(await roundTrip(broker, { username: "node", password: "s3cret-pw" }), "hello");
      await assert.rejects(
        mqtt.connectAsync(broker.url, { username: "node", password: "wrong", reconnectPeriod: 0 }),
        /Not authorized|Bad username/i
      );
    } finally {
      await broker.close();
    }
  });
});
