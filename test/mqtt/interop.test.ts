// Interop over real TCP on loopback: our client (on the simulated board's `net`, test/support/ports.ts)
// against aedes and Debian's mosquitto, with the `mqtt` package as the peer.
import { strict as assert } from "node:assert";
import mqtt, { MqttClient as PeerClient } from "mqtt";
import { createClient } from "../../src/mqtt/client";
import { MqttClient, MqttMessage, MqttOptions } from "../../src/mqtt/api";
import { startAedes, startMosquitto, requireMosquitto, RunningBroker, BrokerOptions } from "../support/brokers";
import { tcpNet } from "../support/ports";
import { Network } from "../../sim/net";
import { onEvents } from "../support/mqtt-events";

interface Node {
  client: MqttClient;
  net: Network;
  messages: MqttMessage[];
  closes: string[];
  // Resolves with CONNECTED's sessionPresent, or rejects with the CLOSED reason.
  connected(): Promise<boolean>;
  closed(): Promise<string>;
  message(topic: string): Promise<MqttMessage>;
  subscribed(topic: string): Promise<number>;
}

// Connected: a QoS 0 message goes out at once (and is refused while not connected).
const isUp = (n: Node) => n.client.publish("lightnode/probe", "", 0, false);

function node(broker: RunningBroker, opts: Partial<MqttOptions> = {}): Node {
  const { net: port, network: net } = tcpNet();
  const client = createClient(port, {
    host: broker.host,
    port: broker.port,
    clientId: "node-" + Math.random().toString(16).slice(2, 8),
    keepalive: 30,
    clean: true,
    ...opts
  });
  const n: Node = {
    client,
    net,
    messages: [],
    closes: [],
    connected: () =>
      new Promise((resolve, reject) => {
        onEvents(client, {
          connected: resolve,
          closed: (r) => {
            n.closes.push(r);
            reject(new Error(r));
          }
        });
      }),
    closed: () =>
      new Promise((resolve) =>
        onEvents(client, {
          closed: (r) => {
            n.closes.push(r);
            resolve(r);
          }
        })
      ),
    message: (topic) =>
      new Promise((resolve) => {
        client.onMessage = (m) => {
          n.messages.push(m);
          if (m.topic === topic) resolve(m);
        };
      }),
    subscribed: (topic) =>
      new Promise(
        (resolve) =>
          (client.onSubscribed = (t, q) => {
            if (t === topic) resolve(q);
          })
      )
  };
  client.onMessage = (m) => n.messages.push(m);
  return n;
}

async function up(n: Node): Promise<boolean> {
  const p = n.connected();
  n.client.connect();
  return p;
}

async function peer(broker: RunningBroker, opts: any = {}): Promise<PeerClient> {
  return mqtt.connectAsync(broker.url, { reconnectPeriod: 0, ...opts });
}

function peerMessage(p: PeerClient, topic: string): Promise<{ payload: Buffer; packet: any }> {
  return new Promise((resolve) =>
    p.on("message", (t, payload, packet) => {
      if (t === topic) resolve({ payload, packet });
    })
  );
}

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timed out: " + what)), ms))]);

// The same cases against each broker.
function suite(name: string, start: (ctx: Mocha.Context, o?: BrokerOptions) => Promise<RunningBroker>) {
  describe(`mqtt interop with ${name}`, function () {
    this.timeout(15000);
    let broker: RunningBroker;
    // False when start() skipped the test (mosquitto not installed): no broker to close.
    let started = false;
    const cleanup: Array<() => unknown> = [];
    beforeEach(async function () {
      started = false;
      broker = await start(this);
      started = true;
    });
    afterEach(async function () {
      for (const f of cleanup.splice(0)) await f();
      if (started) await broker.close();
    });
    const track = (n: Node) => {
      cleanup.push(() => {
        n.client.disconnect();
        n.net.destroyAll();
      });
      return n;
    };
    const trackPeer = (p: PeerClient) => {
      cleanup.push(() => p.endAsync(true));
      return p;
    };

    it("connects, subscribes, and gets QoS 1 both ways with PUBACKs", async function () {
      const n = track(node(broker));
      assert.equal(await up(n), false);
      const granted = n.subscribed("lamp/set");
      n.client.subscribe("lamp/set", 1);
      assert.equal(await granted, 1);
      const p = trackPeer(await peer(broker));
      await p.subscribeAsync("lamp/state", { qos: 1 });
      const got = peerMessage(p, "lamp/state");
      assert.equal(n.client.publish("lamp/state", "ON\x00\xff", 1, false), true);
      const { payload, packet } = await within(got, 5000, "peer receives");
      assert.deepEqual([...payload], [0x4f, 0x4e, 0, 0xff]);
      assert.equal(packet.qos, 1);
      const inbound = n.message("lamp/set");
      await p.publishAsync("lamp/set", Buffer.from([0x4f, 0x46, 0x46, 0xe9]), { qos: 1 }); // resolves on our PUBACK
      const m = await inbound;
      assert.deepEqual([m.payload, m.qos], ["OFF\xe9", 1]);
    });

    it("delivers retained messages on subscribe, with the retain flag", async function () {
      const p = trackPeer(await peer(broker));
      await p.publishAsync("lamp/config", '{"name":"Wohnzimmer"}', { qos: 1, retain: true });
      const n = track(node(broker));
      await up(n);
      const got = n.message("lamp/config");
      n.client.subscribe("lamp/config", 1);
      const m = await within(got, 5000, "retained message");
      assert.equal(m.retain, true);
      assert.equal(m.payload, '{"name":"Wohnzimmer"}');
    });

    it("publishes a 10 KB payload; drops 10 KB incoming ones over maxPacket without buffering them, acknowledged, the link kept", async function () {
      const n = track(node(broker, { maxPacket: 1024 }));
      await up(n);
      const p = trackPeer(await peer(broker));
      await p.subscribeAsync("big/out", { qos: 1 });
      const got = peerMessage(p, "big/out");
      const big = Array.from({ length: 10240 }, (_, i) => String.fromCharCode(i & 255)).join("");
      assert.equal(n.client.publish("big/out", big, 1, false), true);
      const { payload } = await within(got, 5000, "10 KB at the peer");
      assert.equal(payload.toString("latin1"), big);
      const sub = n.subscribed("big/in");
      n.client.subscribe("big/in", 1);
      await sub;
      const drops: Array<[string, number]> = [];
      onEvents(n.client, { dropped: (t, size) => drops.push([t, size]), closed: (r) => n.closes.push(r) });
      // More QoS 1 messages than a broker keeps in flight unacknowledged (mosquitto: 20): the small
      // one after them only arrives if each was acknowledged.
      for (let i = 0; i < 25; i++) await p.publishAsync("big/in", Buffer.alloc(10240, i), { qos: 1 });
      const small = n.message("big/in");
      await p.publishAsync("big/in", "small", { qos: 1 });
      assert.equal((await within(small, 5000, "the small message")).payload, "small");
      assert.deepEqual(drops, Array(25).fill(["big/in", 10240 + 2 + 6 + 2 + 3]));
      assert.deepEqual(n.closes, []);
      assert.equal(isUp(n), true);
    });

    it("the will is published after a killed socket, not after a clean DISCONNECT", async function () {
      const p = trackPeer(await peer(broker));
      await p.subscribeAsync("lamp/status", { qos: 1 });
      const wills: string[] = [];
      p.on("message", (t, payload) => {
        if (t === "lamp/status") wills.push(payload.toString());
      });
      const will = { topic: "lamp/status", payload: "offline", qos: 1 as const, retain: false };
      const a = track(node(broker, { will }));
      await up(a);
      a.client.disconnect();
      const b = track(node(broker, { will: { ...will, payload: "lost" } }));
      await up(b);
      b.net.destroyAll(); // socket closed without DISCONNECT
      const deadline = Date.now() + 5000;
      while (!wills.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(wills, ["lost"]);
    });

    it("reconnects after a broker restart and re-subscribes when there is no session", async function () {
      const n = track(node(broker));
      await up(n);
      const sub = n.subscribed("lamp/set");
      n.client.subscribe("lamp/set", 1);
      await sub;
      const lost = n.closed();
      const port = broker.port;
      if (broker) await broker.close();
      assert.equal(await within(lost, 5000, "close on restart"), "connection lost");
      broker = await start(this, { port });
      const resub = n.subscribed("lamp/set");
      assert.equal(await up(n), false);
      assert.equal(await within(resub, 5000, "re-subscribed"), 1);
      const p = trackPeer(await peer(broker));
      const got = n.message("lamp/set");
      await p.publishAsync("lamp/set", "ON", { qos: 1 });
      assert.equal((await within(got, 5000, "message after restart")).payload, "ON");
    });

    it("delivers a QoS 1 message whose link dropped before PUBACK, and stops resending once acknowledged", async function () {
      const p = trackPeer(await peer(broker));
      await p.subscribeAsync("lamp/state", { qos: 1 });
      const seen: string[] = [];
      p.on("message", (t, payload) => seen.push(payload.toString()));
      const n = track(node(broker, { clean: false, clientId: "node-resend" }));
      await up(n);
      // Drop the TCP link right as the message goes out, before any PUBACK can come back.
      const lost = n.closed();
      n.client.publish("lamp/state", "OFF", 1, false);
      n.net.dropAll();
      await within(lost, 5000, "drop");
      await up(n);
      const deadline = Date.now() + 5000;
      while (!seen.includes("OFF") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(seen.includes("OFF"));
      // Acknowledged now: a further reconnect sends nothing again.
      await new Promise((r) => setTimeout(r, 200));
      const count = seen.length;
      n.client.disconnect();
      await up(n);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(seen.length, count);
    });
  });
}

suite("aedes", (_ctx, o) => startAedes(o));
suite("mosquitto", (ctx, o) => startMosquitto(requireMosquitto(ctx), o));

describe("mqtt interop: credentials", function () {
  this.timeout(15000);
  const USERS = { node: "pässwort-1" };
  for (const [name, start] of [
    ["aedes", (_ctx: Mocha.Context) => startAedes({ users: USERS })],
    ["mosquitto", (ctx: Mocha.Context) => startMosquitto(requireMosquitto(ctx), { users: USERS })]
  ] as const) {
    it(`${name} with a password file: the right user connects, a wrong password is refused`, async function () {
      const broker = await start(this);
      // One client at a time: the firmware has one, and src/mqtt/client.ts keeps its state at
      // module level.
      const attempt = async (opts: Partial<MqttOptions>) => {
        const n = node(broker, opts);
        try {
          const session = await up(n);
          assert.equal(isUp(n), true);
          return session;
        } catch (e) {
          assert.equal(isUp(n), false);
          throw e;
        } finally {
          n.client.disconnect();
          n.net.destroyAll();
        }
      };
      try {
        // The password as the console holds it: the UTF-8 bytes it was sent.
        assert.equal(
          await attempt({ username: "node", password: Buffer.from("pässwort-1", "utf8").toString("latin1") }),
          false
        );
        await assert.rejects(
          attempt({ username: "node", password: "wrong" }),
          /^Error: refused: (bad user name or password|not authorized)$/
        );
        await assert.rejects(attempt({}), /^Error: refused: (bad user name or password|not authorized)$/);
      } finally {
        await broker.close();
      }
    });
  }
});
