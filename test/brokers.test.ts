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

  // The web page's path: a message published over WebSocket reaches a TCP subscriber, and back.
  async function acrossWebSocket(broker: RunningBroker): Promise<string[]> {
    const tcp = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const ws = await mqtt.connectAsync(broker.wsUrl!, { reconnectPeriod: 0 });
    try {
      const seen: string[] = [];
      const got = (c: mqtt.MqttClient) =>
        new Promise<void>((resolve) => c.on("message", (_t, p) => (seen.push(p.toString()), resolve())));
      await tcp.subscribeAsync("probe/ws", { qos: 1 });
      await ws.subscribeAsync("probe/tcp", { qos: 1 });
      const a = got(tcp);
      const b = got(ws);
      await ws.publishAsync("probe/ws", "from ws", { qos: 1 });
      await tcp.publishAsync("probe/tcp", "from tcp", { qos: 1 });
      await Promise.all([a, b]);
      return seen.sort();
    } finally {
      await tcp.endAsync();
      await ws.endAsync();
    }
  }

  it("aedes also speaks MQTT over WebSocket, to the same clients as TCP", async function () {
    const broker = await startAedes({ wsPort: 0 });
    try {
      assert.match(broker.wsUrl!, /^ws:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(await acrossWebSocket(broker), ["from tcp", "from ws"]);
    } finally {
      await broker.close();
    }
  });

  it("mosquitto with the README's WebSocket listener lines does too", async function () {
    const broker = await startMosquitto(requireMosquitto(this), { wsPort: 0 });
    try {
      assert.deepEqual(await acrossWebSocket(broker), ["from tcp", "from ws"]);
    } finally {
      await broker.close();
    }
  });
});
