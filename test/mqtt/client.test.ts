// The session over a scripted socket (the Net port), with Espruino's timers on sinon's fake clock.
import { strict as assert } from "node:assert";
import sinon from "sinon";
import { espruinoTimers } from "../support/espruino-timers";
import mqttPacket from "mqtt-packet";
import { createClient } from "../../src/mqtt/client";
import { MqttClient, MqttMessage, MqttOptions } from "../../src/mqtt/api";
import { scriptedNet, ScriptedNet, ScriptedSocket, bytes, liveTimers } from "../support/scripted-net";
import { onEvents, EventHandlers } from "../support/mqtt-events";

const OPTS: MqttOptions = { host: "127.0.0.1", port: 1883, clientId: "node", keepalive: 10, clean: true };

const gen = (p: any) => (mqttPacket.generate(p, { protocolVersion: 4 }) as Buffer).toString("latin1");
const CONNACK = bytes(0x20, 2, 0, 0);
const CONNACK_SESSION = bytes(0x20, 2, 1, 0);
const PINGRESP = bytes(0xd0, 0);
const suback = (id: number, code: number) => bytes(0x90, 3, id >> 8, id & 255, code);
const puback = (id: number) => bytes(0x40, 2, id >> 8, id & 255);
const pub = (topic: string, payload: string, qos: 0 | 1, id?: number, extra: any = {}) =>
  gen({
    cmd: "publish",
    topic,
    payload: Buffer.from(payload, "latin1"),
    qos,
    messageId: id,
    retain: false,
    dup: false,
    ...extra
  });

// Decodes what the client wrote with mqtt-packet.
function sent(s: ScriptedSocket): any[] {
  const out: any[] = [];
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  parser.on("packet", (p: any) => out.push(p));
  parser.on("error", (e: Error) => {
    throw e;
  });
  parser.parse(Buffer.from(s.writes.join(""), "latin1"));
  return out;
}
const cmds = (s: ScriptedSocket) => sent(s).map((p) => p.cmd);

interface Rig {
  net: ScriptedNet;
  client: MqttClient;
  closes: string[];
  messages: MqttMessage[];
  subacks: Array<[string, number]>;
  connects: boolean[];
  // DROPPED events: topic and size of each message over maxPacket.
  drops: Array<[string, number]>;
  // Between CONNECTED and CLOSED: the client is connected.
  up: boolean;
  // The event handlers (a test may replace one).
  on: EventHandlers;
  clock: sinon.SinonFakeTimers;
}

function rig(opts: Partial<MqttOptions> = {}): Rig {
  const net = scriptedNet();
  const client = createClient(net, { ...OPTS, ...opts });
  const r: Rig = {
    net,
    client,
    closes: [],
    messages: [],
    subacks: [],
    connects: [],
    drops: [],
    up: false,
    on: {},
    clock: undefined as any
  };
  r.on = onEvents(client, {
    closed: (reason) => {
      r.up = false;
      r.closes.push(reason);
    },
    connected: (session) => {
      r.up = true;
      r.connects.push(session);
    },
    dropped: (topic, size) => r.drops.push([topic, size])
  });
  client.onMessage = (m) => r.messages.push(m);
  client.onSubscribed = (t, q) => r.subacks.push([t, q]);
  return r;
}

// Connects through CONNACK; returns the socket.
function up(r: Rig, connack = CONNACK): ScriptedSocket {
  r.client.connect();
  const s = r.net.last();
  s.open();
  s.feed(connack);
  return s;
}

describe("mqtt client session", function () {
  let clock: sinon.SinonFakeTimers;
  beforeEach(function () {
    clock = espruinoTimers(sinon, 1_000_000);
  });
  afterEach(function () {
    clock.restore();
  });

  describe("connecting", function () {
    it("sends CONNECT first, once, when the TCP connection opens, and reports connected only on CONNACK 0", function () {
      const r = rig({ username: "u", password: "secret" });
      r.client.connect();
      const s = r.net.last();
      assert.deepEqual(r.net.options, [{ host: "127.0.0.1", port: 1883 }]);
      assert.equal(s.writes.length, 0);
      s.open();
      const [c] = sent(s);
      assert.equal(c.cmd, "connect");
      assert.equal(c.clientId, "node");
      assert.equal(c.username, "u");
      assert.equal(c.password.toString(), "secret");
      assert.equal(s.writes.length, 1);
      assert.equal(r.up, false);
      s.feed(CONNACK);
      assert.equal(r.up, true);
      assert.deepEqual(r.connects, [false]);
    });

    const REFUSALS: Array<[number, string]> = [
      [1, "refused: protocol version"],
      [2, "refused: client id"],
      [3, "refused: unavailable"],
      [4, "refused: bad user name or password"],
      [5, "refused: not authorized"],
      [6, "refused: 6"]
    ];
    for (const [code, reason] of REFUSALS) {
      it(`CONNACK ${code} is a failure: "${reason}", never "connected"`, function () {
        const r = rig();
        const s = up(r, bytes(0x20, 2, 0, code));
        assert.deepEqual(r.closes, [reason]);
        assert.deepEqual(r.connects, []);
        assert.equal(r.up, false);
        assert.equal(s.ended, true);
        assert.equal(s.listenerCount(), 0);
        assert.equal(liveTimers(clock), 0);
      });
    }

    it("connackTimeout 0 waits for CONNACK without a limit; the default is 10 s", function () {
      const r = rig({ connackTimeout: 0 });
      r.client.connect();
      r.net.last().open();
      clock.tick(600000);
      assert.deepEqual(r.closes, []);
      r.net.last().feed(CONNACK);
      assert.equal(r.up, true);
      // One client at a time (its state is module-level): the first one goes before the next.
      r.client.disconnect();
      const r2 = rig();
      r2.client.connect();
      r2.net.last().open();
      clock.tick(9500);
      assert.deepEqual(r2.closes, []);
      clock.tick(1000);
      assert.deepEqual(r2.closes, ["connack timeout"]);
    });

    it("connack timeout, counted from the TCP connection opening", function () {
      const r = rig({ connackTimeout: 3000 });
      r.client.connect();
      clock.tick(5000); // TCP still opening: the same deadline covers it
      assert.deepEqual(r.closes, ["connack timeout"]);
      const r2 = rig({ connackTimeout: 3000 });
      r2.client.connect();
      clock.tick(2000);
      r2.net.last().open();
      clock.tick(2500);
      assert.deepEqual(r2.closes, []);
      clock.tick(1000);
      assert.deepEqual(r2.closes, ["connack timeout"]);
      assert.equal(liveTimers(clock), 0);
    });

    it('a refused TCP connection is "connect failed"; a drop after opening is "connection lost"', function () {
      const r = rig();
      r.client.connect();
      r.net.last().emit("error", { code: "ECONNREFUSED" });
      r.net.last().emit("close");
      assert.deepEqual(r.closes, ["connect failed"]);
      const s = up(r);
      s.emit("end");
      s.emit("close");
      assert.deepEqual(r.closes, ["connect failed", "connection lost"]);
      assert.equal(liveTimers(clock), 0);
    });

    it('net.connect throwing is "connect failed", not an exception', function () {
      const r = rig();
      r.net.connect = () => {
        throw new Error("no network");
      };
      r.client.connect();
      assert.deepEqual(r.closes, ["connect failed"]);
      assert.equal(liveTimers(clock), 0);
    });

    it("connect() while connected closes the old socket first (CLOSED once per connect)", function () {
      const r = rig();
      const s1 = up(r);
      r.client.connect({ port: 1884 });
      assert.deepEqual(r.closes, ["closed"]);
      assert.equal(s1.ended, true);
      assert.deepEqual(r.net.options[1], { host: "127.0.0.1", port: 1884 });
      s1.feed(pub("a", "late", 0)); // the old socket is deaf now
      assert.deepEqual(r.messages, []);
    });

    it('a second CONNACK, or a packet before CONNACK, is "malformed: sequence"', function () {
      const r = rig();
      const s = up(r);
      s.feed(CONNACK);
      assert.deepEqual(r.closes, ["malformed: sequence"]);
      r.client.connect();
      r.net.last().open();
      r.net.last().feed(PINGRESP);
      assert.deepEqual(r.closes, ["malformed: sequence", "malformed: sequence"]);
    });
  });

  describe("keepalive", function () {
    it("PINGREQ after keepalive seconds without a write; incoming traffic does not count", function () {
      const r = rig({ keepalive: 10 });
      const s = up(r);
      s.writes.length = 0;
      for (let i = 0; i < 9; i++) {
        clock.tick(1000);
        s.feed(pub("in", String(i), 0)); // reads only
      }
      assert.deepEqual(cmds(s), []);
      clock.tick(1000);
      assert.deepEqual(cmds(s), ["pingreq"]);
    });

    it("every write postpones the PINGREQ", function () {
      const r = rig({ keepalive: 10 });
      const s = up(r);
      s.writes.length = 0;
      clock.tick(8000);
      r.client.publish("out", "x", 0, false);
      clock.tick(8000);
      assert.deepEqual(cmds(s), ["publish"]);
      clock.tick(2500);
      assert.deepEqual(cmds(s), ["publish", "pingreq"]);
    });

    it('no PINGRESP within keepalive/2 of the PINGREQ: "ping timeout"; a PINGRESP keeps the link', function () {
      const r = rig({ keepalive: 10 });
      const s = up(r);
      clock.tick(10_500);
      assert.equal(cmds(s).pop(), "pingreq");
      s.feed(PINGRESP);
      clock.tick(10_000); // second PINGREQ, answered late
      clock.tick(5_500);
      assert.deepEqual(r.closes, ["ping timeout"]);
      assert.equal(liveTimers(clock), 0);
      assert.equal(s.ended, true);
    });

    it("keepalive 0 disables PINGREQ", function () {
      const r = rig({ keepalive: 0 });
      const s = up(r);
      clock.tick(3_600_000);
      assert.deepEqual(cmds(s), ["connect"]);
      assert.deepEqual(r.closes, []);
    });
  });

  describe("publishing and subscribing", function () {
    it("QoS 0 goes out only while connected; retain flag as asked", function () {
      const r = rig();
      assert.equal(r.client.publish("a/b", "1", 0, true), false);
      const s = up(r);
      assert.equal(r.client.publish("a/b", "2", 0, true), true);
      const p = sent(s)[1];
      assert.deepEqual(
        [p.cmd, p.topic, p.payload.toString(), p.qos, p.retain, p.dup],
        ["publish", "a/b", "2", 0, true, false]
      );
      assert.equal(r.client.publish("", "x", 0, false), false);
      assert.equal(r.client.publish("a/#", "x", 0, false), false);
      assert.equal(r.client.publish("a/+/b", "x", 0, false), false);
    });

    it("packet ids are non-zero, unique among those in flight, and wrap 1023 -> 1", function () {
      const r = rig({ outboxSize: 3 });
      const s = up(r);
      const next = () => {
        s.writes.length = 0;
        assert.equal(r.client.publish("t", "x", 1, false), true);
        return sent(s).pop().messageId;
      };
      assert.equal(next(), 1); // stays in flight throughout
      r.client.subscribe("s", 1); // SUBSCRIBE id 2, its SUBACK never comes
      const ids: number[] = [];
      for (let i = 0; i < 1022; i++) {
        const id = next();
        ids.push(id);
        s.feed(puback(id));
      }
      assert.equal(ids[0], 3);
      assert.equal(ids[1020], 1023);
      assert.equal(ids[1021], 3, "wraps to 1, skipping 1 and 2, both in flight");
      assert.ok(ids.every((id) => id > 2 && id <= 1023));
    });

    it("the outbox is bounded; QoS 1 waits offline and goes out, DUP 0, on connect", function () {
      const r = rig({ outboxSize: 2 });
      assert.equal(r.client.publish("q", "1", 1, false), true);
      assert.equal(r.client.publish("q", "2", 1, false), true);
      assert.equal(r.client.publish("q", "3", 1, false), false);
      const s = up(r);
      const pubs = sent(s).filter((p) => p.cmd === "publish");
      assert.deepEqual(
        pubs.map((p) => [p.payload.toString(), p.dup, p.messageId]),
        [
          ["1", false, 1],
          ["2", false, 2]
        ]
      );
    });

    it("QoS 1 is kept until PUBACK and resent after a dropped connection with DUP and the same id", function () {
      const r = rig({ clean: false });
      let s = up(r);
      r.client.publish("q", "a", 1, true);
      r.client.publish("q", "b", 1, false);
      const first = sent(s).filter((p) => p.cmd === "publish");
      s.feed(puback(first[0].messageId));
      s.emit("close");
      assert.deepEqual(r.closes, ["connection lost"]);
      s = up(r, CONNACK_SESSION);
      const again = sent(s).filter((p) => p.cmd === "publish");
      assert.deepEqual(
        again.map((p) => [p.payload.toString(), p.messageId, p.dup, p.qos]),
        [["b", first[1].messageId, true, 1]]
      );
      s.feed(puback(first[1].messageId));
      s.emit("close");
      s = up(r);
      assert.deepEqual(cmds(s), ["connect"]);
    });

    it("SUBACK reports granted QoS; 0x80 is reported as a failure", function () {
      const r = rig();
      const s = up(r);
      r.client.subscribe("a", 1);
      r.client.subscribe("b", 0);
      const [, sa, sb] = sent(s);
      assert.deepEqual(sa.subscriptions, [{ topic: "a", qos: 1 }]);
      assert.deepEqual(sb.subscriptions, [{ topic: "b", qos: 0 }]);
      s.feed(suback(sb.messageId, 0x80), suback(sa.messageId, 1));
      assert.deepEqual(r.subacks, [
        ["b", 0x80],
        ["a", 1]
      ]);
    });

    it("subscriptions are re-sent after a reconnect without session, not with one (unless never acked)", function () {
      const r = rig({ clean: false });
      let s = up(r);
      r.client.subscribe("a", 1);
      s.feed(suback(sent(s)[1].messageId, 1));
      s.emit("close");
      r.client.subscribe("b", 1); // while offline
      s = up(r, CONNACK_SESSION);
      assert.deepEqual(
        sent(s)
          .slice(1)
          .map((p) => p.subscriptions[0].topic),
        ["b"]
      );
      s.feed(suback(sent(s)[1].messageId, 1));
      s.emit("close");
      s = up(r, CONNACK); // the broker lost the session
      assert.deepEqual(
        sent(s)
          .slice(1)
          .map((p) => p.subscriptions[0].topic)
          .sort(),
        ["a", "b"]
      );
    });

    it("incoming QoS 1 is acknowledged with its id, in arrival order, even when the handler throws", function () {
      const r = rig();
      const s = up(r);
      r.client.onMessage = (m) => {
        r.messages.push(m);
        throw new Error("handler bug");
      };
      s.writes.length = 0;
      s.feed(pub("a", "1", 1, 9) + pub("b", "2", 0) + pub("c", "3", 1, 4));
      assert.deepEqual(
        sent(s).map((p) => [p.cmd, p.messageId]),
        [
          ["puback", 9],
          ["puback", 4]
        ]
      );
      assert.deepEqual(
        r.messages.map((m) => [m.topic, m.payload, m.qos]),
        [
          ["a", "1", 1],
          ["b", "2", 0],
          ["c", "3", 1]
        ]
      );
      assert.deepEqual(r.closes, []);
      assert.equal(r.up, true);
    });

    it("a throwing event handler or onSubscribed cannot escape into the socket callback", function () {
      const r = rig();
      r.client.onSubscribed = () => {
        throw new Error("x");
      };
      r.on.connected = () => {
        r.up = true;
        throw new Error("y");
      };
      r.on.closed = () => {
        r.up = false;
        throw new Error("z");
      };
      const s = up(r);
      assert.equal(r.up, true);
      r.client.subscribe("a", 1);
      assert.doesNotThrow(() => s.feed(suback(sent(s)[1].messageId, 1)));
      assert.equal(r.up, true);
      assert.doesNotThrow(() => s.feed(bytes(0xf0, 0)));
      assert.equal(r.up, false);
    });

    it("callbacks left unset are skipped: nothing throws, QoS 1 is still acknowledged", function () {
      const net = scriptedNet();
      const client = createClient(net, OPTS);
      client.subscribe("a", 1);
      client.connect();
      const s = net.last();
      s.open();
      assert.doesNotThrow(() => s.feed(CONNACK + suback(1, 1) + pub("a", "x", 1, 5)));
      assert.deepEqual(cmds(s), ["connect", "subscribe", "puback"]);
      // Connected: a QoS 0 message goes out at once.
      assert.equal(client.publish("b", "y", 0, false), true);
      assert.doesNotThrow(() => s.emit("close"));
      assert.equal(client.publish("b", "y", 0, false), false);
      assert.equal(liveTimers(clock), 0);
    });
  });

  describe("closing", function () {
    it("disconnect(): DISCONNECT, then close, then nothing more", function () {
      const r = rig();
      const s = up(r);
      r.client.subscribe("a", 1);
      r.client.disconnect();
      assert.deepEqual(cmds(s), ["connect", "subscribe", "disconnect"]);
      assert.equal(s.ended, true);
      assert.deepEqual(r.closes, ["disconnected"]);
      assert.equal(r.client.publish("a", "x", 0, false), false);
      clock.tick(100_000);
      assert.deepEqual(cmds(s), ["connect", "subscribe", "disconnect"]);
      assert.equal(liveTimers(clock), 0);
      assert.equal(s.listenerCount(), 0);
    });

    it("disconnect() is safe twice, clears every timer and listener, reports once", function () {
      const r = rig();
      const s = up(r);
      r.client.disconnect();
      r.client.disconnect();
      assert.deepEqual(r.closes, ["disconnected"]);
      assert.deepEqual(cmds(s), ["connect", "disconnect"]);
      assert.equal(liveTimers(clock), 0);
      assert.equal(s.listenerCount(), 0);
    });

    it("the client can reconnect from inside its CLOSED event", function () {
      const r = rig();
      let again = true;
      r.on.closed = (reason) => {
        r.closes.push(reason);
        if (again) {
          again = false;
          r.client.connect();
        }
      };
      const s = up(r);
      s.feed(bytes(0x20, 2, 0, 0) + bytes(0xf0, 0)); // second CONNACK, then garbage: one close
      assert.deepEqual(r.closes, ["malformed: sequence"]);
      assert.equal(r.net.sockets.length, 2);
      r.net.last().open();
      r.net.last().feed(CONNACK);
      assert.equal(r.up, true);
    });
  });

  describe("framing over the socket", function () {
    // Broker packets of every kind the session accepts after CONNACK.
    const STREAM = [
      pub("home/light/set", "ON", 1, 7),
      pub("a/b", "x".repeat(300), 0, undefined, { retain: true }),
      suback(3, 1), // ids 1 and 2 went to the two queued QoS 1 messages
      PINGRESP,
      puback(2),
      bytes(0xb0, 2, 0, 3) // UNSUBACK
    ];

    function run(chunks: string[]): { r: Rig; s: ScriptedSocket } {
      const r = rig();
      r.client.subscribe("home/#", 1);
      r.client.publish("q", "1", 1, false);
      r.client.publish("q", "2", 1, false);
      const s = up(r);
      s.writes.length = 0;
      for (const c of chunks) s.feed(c);
      return { r, s };
    }

    function expectAll(r: Rig, s: ScriptedSocket) {
      assert.deepEqual(r.closes, []);
      assert.deepEqual(
        r.messages.map((m) => [m.topic, m.payload.length, m.qos, m.retain]),
        [
          ["home/light/set", 2, 1, false],
          ["a/b", 300, 0, true]
        ]
      );
      assert.deepEqual(r.subacks, [["home/#", 1]]);
      assert.deepEqual(
        sent(s).map((p) => [p.cmd, p.messageId]),
        [["puback", 7]]
      );
    }

    it("whole packets, one per chunk", function () {
      const { r, s } = run(STREAM);
      expectAll(r, s);
    });

    it("the stream split at every offset", function () {
      const all = STREAM.join("");
      for (let i = 1; i < all.length; i++) {
        const { r, s } = run([all.slice(0, i), all.slice(i)]);
        expectAll(r, s);
      }
    });

    it("each packet split at every offset, and two splits at once", function () {
      for (const p of STREAM) {
        for (let i = 0; i <= p.length; i++) {
          for (let j = i; j <= p.length; j += 7) {
            const chunks = STREAM.map((q) => (q === p ? [q.slice(0, i), q.slice(i, j), q.slice(j)] : [q])).flat();
            const { r, s } = run(chunks);
            expectAll(r, s);
          }
        }
      }
    });

    it("one byte at a time", function () {
      const { r, s } = run(STREAM.join("").split(""));
      expectAll(r, s);
    });

    it("CONNACK + SUBACK + several PUBLISHes coalesced in one chunk", function () {
      const r = rig();
      r.client.subscribe("t/#", 1);
      r.client.connect();
      const s = r.net.last();
      s.open();
      s.feed(CONNACK + suback(1, 1) + pub("t/1", "a", 1, 11) + pub("t/2", "b", 0) + pub("t/3", "c", 1, 12) + PINGRESP);
      assert.deepEqual(r.connects, [false]);
      assert.deepEqual(r.subacks, [["t/#", 1]]);
      assert.deepEqual(
        r.messages.map((m) => m.topic),
        ["t/1", "t/2", "t/3"]
      );
      assert.deepEqual(
        sent(s).map((p) => p.cmd),
        ["connect", "subscribe", "puback", "puback"]
      );
    });

    // Issue 20: one large retained message knocked the node off the broker at every connect.
    it("a PUBLISH over maxPacket is dropped as it streams by: acknowledged (QoS 1), reported once, the link kept", function () {
      const big = pub("home/big", "x".repeat(2000), 1, 9, { retain: true });
      const after = pub("home/light/set", "ON", 0);
      const all = big + after;
      const reads: string[][] = [[all], [big, after]];
      for (let i = 1; i < 30; i++) reads.push([all.slice(0, i), all.slice(i)]);
      const in536: string[] = [];
      for (let i = 0; i < all.length; i += 536) in536.push(all.slice(i, i + 536));
      reads.push(in536, all.split(""));
      for (const chunks of reads) {
        const r = rig({ maxPacket: 1024 });
        const s = up(r);
        s.writes.length = 0;
        for (const c of chunks) s.feed(c);
        assert.deepEqual(r.drops, [["home/big", big.length]], chunks.map((c) => c.length).join(","));
        assert.deepEqual(
          sent(s).map((p) => [p.cmd, p.messageId]),
          [["puback", 9]]
        );
        assert.deepEqual(
          r.messages.map((m) => [m.topic, m.payload]),
          [["home/light/set", "ON"]]
        );
        assert.deepEqual(r.closes, []);
        assert.equal(r.up, true);
      }
    });

    it("any other packet over maxPacket is refused from its header, before the body arrives; the client stays usable", function () {
      const r = rig({ maxPacket: 1024 });
      const s = up(r);
      const big = bytes(0x90, 0x81, 0x08, 0, 1, 1);
      s.feed(big.slice(0, 5)); // fixed header and a little more
      assert.deepEqual(r.closes, ["packet too large"]);
      assert.equal(s.listenerCount(), 0);
      const s2 = up(r);
      s2.feed(pub("t", "x".repeat(1000), 0)); // 1000 + 3 + 3 bytes: fits 1024
      assert.equal(r.messages.length, 1);
      assert.equal(r.up, true);
    });
  });

  describe("malformed broker input closes with its own reason", function () {
    const CASES: Array<[string, string, string]> = [
      ["a 5-byte remaining length", bytes(0x30, 0x80, 0x80, 0x80, 0x80, 0x01), "malformed: remaining length"],
      ["bad header flags", bytes(0x41, 2, 0, 1), "malformed: flags"],
      ["QoS 3", bytes(0x36, 5, 0, 1, "t", 0, 1), "malformed: qos"],
      ["a client-to-broker type (SUBSCRIBE)", bytes(0x82, 6, 0, 1, 0, 1, "t", 0), "malformed: type"],
      ["a truncated PUBACK", bytes(0x40, 1, 0), "malformed: length"],
      ["a topic length past the packet end", bytes(0x30, 4, 0, 200, "ab"), "malformed: topic length"],
      ["a zero packet id", bytes(0x32, 5, 0, 1, "t", 0, 0), "malformed: packet id"],
      ["an ill-formed UTF-8 topic", bytes(0x30, 4, 0, 2, 0xed, 0xa0), "malformed: topic"],
      ["a SUBACK return code 5", bytes(0x90, 3, 0, 1, 5), "malformed: suback"],
      ["a second CONNACK", CONNACK, "malformed: sequence"],
      ["a packet other than PUBLISH over maxPacket", bytes(0x90, 0x81, 0x08), "packet too large"],
      ["a PUBLISH whose topic alone is over maxPacket", bytes(0x30, 0x81, 0x08, 0x04, 0x10), "packet too large"]
    ];
    for (const [name, data, reason] of CASES) {
      it(`${name}: "${reason}", no timer or listener left, nothing thrown`, function () {
        const r = rig();
        const s = up(r);
        assert.doesNotThrow(() => s.feed(data + pub("after", "x", 0)));
        assert.deepEqual(r.closes, [reason]);
        assert.deepEqual(r.messages, []);
        assert.equal(s.ended, true);
        assert.equal(s.listenerCount(), 0);
        assert.equal(liveTimers(clock), 0);
        assert.equal(r.up, false);
      });
    }
  });
});
