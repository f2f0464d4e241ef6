// Seeded fuzz: random and mutated broker byte streams, fed in random chunks, never throw out of
// the socket callback, never report an unknown reason, never leave a timer or listener behind.
import { strict as assert } from "node:assert";
import sinon from "sinon";
import { espruinoTimers } from "../support/espruino-timers";
import mqttPacket from "mqtt-packet";
import { createClient } from "../../src/mqtt/client";
import { scriptedNet, liveTimers } from "../support/scripted-net";
import { onEvents } from "../support/mqtt-events";

const STREAMS = 100_000;
const SEED = 0x5eed1e55;
const KNOWN =
  /^(refused: .+|packet too large|malformed: (remaining length|type|flags|length|qos|topic length|topic|packet id|connack|suback|sequence))$/;

// mulberry32: small, seeded, good enough to pick bytes.
function prng(seed: number) {
  return function () {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const gen = (p: any) => (mqttPacket.generate(p, { protocolVersion: 4 }) as Buffer).toString("latin1");
const VALID = [
  gen({ cmd: "connack", returnCode: 0, sessionPresent: false }),
  gen({ cmd: "suback", messageId: 1, granted: [1] }),
  gen({
    cmd: "publish",
    topic: "home/light/set",
    payload: Buffer.from("ON"),
    qos: 1,
    messageId: 5,
    retain: false,
    dup: false
  }),
  gen({ cmd: "publish", topic: "a/ü", payload: Buffer.from("x".repeat(140)), qos: 0, retain: true, dup: false }),
  gen({ cmd: "puback", messageId: 2 }),
  gen({ cmd: "pingresp" }),
  gen({ cmd: "unsuback", messageId: 3 })
];

// Stream n: pure noise (every 4th), or valid packets in random order with 1-4 mutations.
function makeStream(rnd: () => number, n: number): string {
  const int = (k: number) => Math.floor(rnd() * k);
  if (n % 4 === 0) {
    // Pure noise, sometimes after a valid CONNACK.
    return (
      (rnd() < 0.5 ? VALID[0] : "") + Array.from({ length: int(64) }, () => String.fromCharCode(int(256))).join("")
    );
  }
  const parts = [VALID[0]];
  for (let k = int(6); k >= 0; k--) parts.push(VALID[int(VALID.length)]);
  const b = parts.join("").split("");
  for (let m = 1 + int(4); m > 0; m--) {
    if (!b.length) break;
    const at = int(b.length);
    const op = int(5);
    if (op === 0) b[at] = String.fromCharCode(int(256));
    else if (op === 1) b[at] = String.fromCharCode(b[at].charCodeAt(0) ^ (1 << int(8)));
    else if (op === 2) b.splice(at, 0, String.fromCharCode(int(256)));
    else if (op === 3) b.splice(at, 1 + int(3));
    else b.length = at;
  }
  return b.join("");
}

// What a client does with a stream fed as the given chunks: every callback and every write.
function outcome(stream: string, sizes: number[]): string {
  const net = scriptedNet();
  const client = createClient(net, { host: "h", port: 1, clientId: "f", keepalive: 5, clean: true, maxPacket: 256 });
  const log: any[] = [];
  onEvents(client, { closed: (r) => log.push(["close", r]), connected: (sp) => log.push(["connack", sp]) });
  client.onMessage = (m) => log.push(["message", m.topic, m.payload, m.qos, m.retain, m.dup]);
  client.onSubscribed = (t, q) => log.push(["suback", t, q]);
  client.subscribe("home/#", 1);
  client.publish("out", "x", 1, false);
  client.connect();
  const s = net.last();
  s.open();
  for (let i = 0, k = 0; i < stream.length; i += sizes[k++ % sizes.length])
    s.feed(stream.slice(i, i + sizes[k % sizes.length]));
  client.disconnect();
  log.push(["writes", s.writes.join("")]);
  return JSON.stringify(log);
}

describe("mqtt fuzz", function () {
  this.timeout(60_000);
  let clock: sinon.SinonFakeTimers;
  before(() => (clock = espruinoTimers(sinon)));
  after(() => clock.restore());

  it(`${STREAMS} seeded broker byte streams: no exception, only known reasons, nothing leaked`, function () {
    const rnd = prng(SEED);
    const int = (n: number) => Math.floor(rnd() * n);
    const reasons: { [r: string]: number } = {};
    let alive = 0;
    for (let n = 0; n < STREAMS; n++) {
      const stream = makeStream(rnd, n);
      const net = scriptedNet();
      const client = createClient(net, {
        host: "h",
        port: 1,
        clientId: "f",
        keepalive: 5,
        clean: true,
        maxPacket: 256
      });
      let closes = 0;
      let reason = "";
      onEvents(client, {
        closed: (r) => {
          closes++;
          reason = r;
        }
      });
      client.onMessage = () => {
        if (rnd() < 0.1) throw new Error("handler");
      };
      client.subscribe("home/#", 1);
      client.connect();
      const s = net.last();
      s.open();
      let i = 0;
      while (i < stream.length) {
        const len = 1 + int(24);
        s.feed(stream.slice(i, i + len));
        i += len;
      }
      if (closes === 0) {
        alive++;
        client.disconnect();
        assert.equal(reason, "disconnected");
      } else {
        assert.match(reason, KNOWN, "stream " + n + ": " + Buffer.from(stream, "latin1").toString("hex"));
        reasons[reason] = (reasons[reason] || 0) + 1;
      }
      assert.equal(closes, 1, "CLOSED exactly once");
      assert.equal(s.listenerCount(), 0);
      assert.equal(liveTimers(clock), 0);
    }
    const refused = Object.keys(reasons)
      .filter((r) => r.startsWith("refused"))
      .reduce((n, r) => n + reasons[r], 0);
    for (const r of Object.keys(reasons)) if (r.startsWith("refused")) delete reasons[r];
    console.log(
      `      ${STREAMS} streams: ${alive} stayed connected, ${refused} refused by CONNACK, others:`,
      JSON.stringify(reasons)
    );
  });

  it("20000 seeded streams: whole, in random chunks and byte by byte, the client does exactly the same", function () {
    const rnd = prng(SEED ^ 0x5a5a5a5a);
    for (let n = 0; n < 20_000; n++) {
      const stream = makeStream(rnd, n);
      const whole = outcome(stream, [Math.max(1, stream.length)]);
      const sizes = [1 + Math.floor(rnd() * 24), 1 + Math.floor(rnd() * 24), 1 + Math.floor(rnd() * 24)];
      const hex = Buffer.from(stream, "latin1").toString("hex");
      assert.equal(outcome(stream, sizes), whole, "chunks " + sizes + " of " + hex);
      assert.equal(outcome(stream, [1]), whole, "byte by byte: " + hex);
    }
  });
});
