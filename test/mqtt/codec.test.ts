// The codec as data: (name, packet, bytes) triples checked against mqtt-packet, the reference
// codec, in both directions.
import { strict as assert } from "node:assert";
import mqttPacket from "mqtt-packet";
import {
  decode,
  encodeConnect,
  encodeUnsubscribe,
  remLength,
  PINGREQ,
  DISCONNECT,
  ConnectFields,
  Packet
} from "../../src/mqtt/codec";
import { createFramer, frame } from "../../src/mqtt/framer";
import { createClient } from "../../src/mqtt/client";
import { MqttClient } from "../../src/mqtt/api";
import { bytes, scriptedNet, hex } from "../support/scripted-net";

// Parses one whole packet with mqtt-packet (protocol level 4).
function refParse(data: string): any {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const got: any[] = [];
  const errors: Error[] = [];
  parser.on("packet", (p: any) => got.push(p));
  parser.on("error", (e: Error) => errors.push(e));
  parser.parse(Buffer.from(data, "latin1"));
  if (errors.length) throw errors[0];
  assert.equal(got.length, 1, "mqtt-packet parsed " + got.length + " packets");
  return got[0];
}

function refGenerate(p: any): string {
  return (mqttPacket.generate(p, { protocolVersion: 4 }) as Buffer).toString("latin1");
}

// Splits a whole packet into header byte and body, through our framer.
function ourDecode(data: string): Packet {
  const out: Packet[] = [];
  createFramer(1 << 30, (h, b) => out.push(decode(h, b)))(data);
  assert.equal(out.length, 1);
  return out[0];
}

// The client builds PUBLISH, PUBACK and SUBSCRIBE inline, so those are taken from what a real
// client writes to its socket: a connected client whose packet ids were first advanced to `next`
// (QoS 1 messages published and acknowledged), then `act`.
function clientWrites(act: (c: MqttClient, feed: (data: string) => void) => void, next = 1): string {
  const net = scriptedNet();
  const c = createClient(net, { host: "h", port: 1, clientId: "c", keepalive: 0, clean: true, outboxSize: 1 });
  c.connect();
  const s = net.last();
  s.open();
  s.feed(bytes(0x20, 2, 0, 0));
  for (let id = 1; id < next; id++) {
    c.publish("t", "", 1, false);
    s.feed(bytes(0x40, 2, id >> 8, id & 255));
  }
  s.writes.length = 0;
  act(c, (data) => s.feed(data));
  const written = s.writes.join("");
  c.disconnect();
  return written;
}

interface Outgoing {
  name: string;
  encode: () => string;
  bytes: string;
  // The same packet as mqtt-packet names it.
  ref: any;
}

const utf8 = (s: string) => Buffer.from(s, "utf8").toString("latin1");

// Packets the client sends.
const OUTGOING: Outgoing[] = [
  {
    name: "CONNECT, clean, keepalive 60, no will or credentials",
    encode: () => encodeConnect({ clientId: "node-1", clean: true, keepalive: 60 }),
    bytes: bytes(
      0x10,
      18, // CONNECT, remaining length 18
      0,
      4,
      "MQTT", // protocol name
      4, // protocol level 3.1.1
      0x02, // flags: clean session
      0,
      60, // keepalive
      0,
      6,
      "node-1" // client id
    ),
    ref: { cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 60, clientId: "node-1" }
  },
  {
    name: "CONNECT, persistent session, will QoS 1 retained, user and password",
    encode: () =>
      encodeConnect({
        clientId: "n",
        clean: false,
        keepalive: 30,
        will: { topic: "s/a", payload: "off\x00\xff", qos: 1, retain: true },
        username: "user",
        password: "pw"
      }),
    bytes: bytes(
      0x10,
      35, // CONNECT, remaining length: 10 + 3 + 5 + 7 + 6 + 4
      0,
      4,
      "MQTT",
      4,
      0xec, // flags: user name 0x80, password 0x40, will retain 0x20, will QoS 1 0x08, will 0x04
      0,
      30, // keepalive
      0,
      1,
      "n", // client id
      0,
      3,
      "s/a", // will topic
      0,
      5,
      "off\x00\xff", // will payload: raw bytes
      0,
      4,
      "user", // user name
      0,
      2,
      "pw" // password
    ),
    ref: {
      cmd: "connect",
      protocolId: "MQTT",
      protocolVersion: 4,
      clean: false,
      keepalive: 30,
      clientId: "n",
      will: { topic: "s/a", payload: Buffer.from("off\x00\xff", "latin1"), qos: 1, retain: true },
      username: "user",
      password: Buffer.from("pw")
    }
  },
  {
    name: "CONNECT, will QoS 0 not retained, UTF-8 client id and user name, keepalive 0",
    encode: () =>
      encodeConnect({
        // The firmware's strings are the UTF-8 bytes the console was sent.
        clientId: utf8("lümen"),
        clean: true,
        keepalive: 0,
        will: { topic: "t", payload: "", qos: 0, retain: false },
        username: utf8("Ωmega")
      }),
    bytes: bytes(
      0x10,
      31, // remaining length: 10 + 8 + 3 + 2 + 8
      0,
      4,
      "MQTT",
      4,
      0x86, // flags: user name, will, clean session
      0,
      0, // keepalive 0: disabled
      0,
      6,
      utf8("lümen"), // client id, 6 bytes of UTF-8
      0,
      1,
      "t", // will topic
      0,
      0, // empty will payload
      0,
      6,
      utf8("Ωmega") // user name
    ),
    ref: {
      cmd: "connect",
      protocolId: "MQTT",
      protocolVersion: 4,
      clean: true,
      keepalive: 0,
      clientId: "lümen",
      will: { topic: "t", payload: Buffer.alloc(0), qos: 0, retain: false },
      username: "Ωmega"
    }
  },
  {
    name: "PUBLISH QoS 0, not retained",
    encode: () => clientWrites((c) => c.publish("a/b", "on", 0, false)),
    bytes: bytes(0x30, 7, 0, 3, "a/b", "on"), // no packet id at QoS 0
    ref: { cmd: "publish", topic: "a/b", payload: Buffer.from("on"), qos: 0, retain: false, dup: false }
  },
  {
    name: "PUBLISH QoS 1, retained, id 0x0312, binary payload",
    encode: () => clientWrites((c) => c.publish("a/b", "\x00\x80\xff", 1, true), 0x0312),
    bytes: bytes(0x33, 10, 0, 3, "a/b", 0x03, 0x12, "\x00\x80\xff"),
    ref: {
      cmd: "publish",
      topic: "a/b",
      payload: Buffer.from([0, 0x80, 0xff]),
      qos: 1,
      retain: true,
      dup: false,
      messageId: 0x0312
    }
  },
  {
    name: "PUBLISH QoS 1, UTF-8 topic with an astral character, 200-byte payload (2-byte length)",
    encode: () => clientWrites((c) => c.publish(utf8("€/😀"), "x".repeat(200), 1, false)),
    bytes: bytes(0x32, 0xd4, 0x01, 0, 8, utf8("€/😀"), 0, 1, "x".repeat(200)), // 212 = 0xd4 0x01; topic 3+1+4 bytes
    ref: {
      cmd: "publish",
      topic: "€/😀",
      payload: Buffer.from("x".repeat(200)),
      qos: 1,
      retain: false,
      dup: false,
      messageId: 1
    }
  },
  {
    name: "PUBACK id 65535, for an incoming QoS 1 PUBLISH",
    encode: () => clientWrites((c, feed) => feed(bytes(0x32, 5, 0, 1, "t", 0xff, 0xff))),
    bytes: bytes(0x40, 2, 0xff, 0xff),
    ref: { cmd: "puback", messageId: 65535 }
  },
  {
    name: "SUBSCRIBE id 7, one filter at QoS 1",
    encode: () => clientWrites((c) => c.subscribe("home/+/set", 1), 7),
    bytes: bytes(0x82, 15, 0, 7, 0, 10, "home/+/set", 1), // reserved flags 0010 [MQTT-3.8.1-1]
    ref: { cmd: "subscribe", messageId: 7, subscriptions: [{ topic: "home/+/set", qos: 1 }] }
  },
  {
    name: "UNSUBSCRIBE id 8",
    encode: () => encodeUnsubscribe(8, "home/#"),
    bytes: bytes(0xa2, 10, 0, 8, 0, 6, "home/#"),
    ref: { cmd: "unsubscribe", messageId: 8, unsubscriptions: ["home/#"] }
  },
  { name: "PINGREQ", encode: () => PINGREQ, bytes: bytes(0xc0, 0), ref: { cmd: "pingreq" } },
  { name: "DISCONNECT", encode: () => DISCONNECT, bytes: bytes(0xe0, 0), ref: { cmd: "disconnect" } }
];

interface Incoming {
  name: string;
  // As mqtt-packet generates it.
  ref: any;
  bytes: string;
  ours: Packet;
}

// Packets a broker sends.
const INCOMING: Incoming[] = [
  {
    name: "CONNACK accepted, no session",
    ref: { cmd: "connack", returnCode: 0, sessionPresent: false },
    bytes: bytes(0x20, 2, 0, 0), // flags 0, return code 0
    ours: { type: 2, session: false, code: 0 }
  },
  {
    name: "CONNACK accepted, session present",
    ref: { cmd: "connack", returnCode: 0, sessionPresent: true },
    bytes: bytes(0x20, 2, 1, 0),
    ours: { type: 2, session: true, code: 0 }
  },
  {
    name: "CONNACK refused: bad user name or password",
    ref: { cmd: "connack", returnCode: 4, sessionPresent: false },
    bytes: bytes(0x20, 2, 0, 4),
    ours: { type: 2, session: false, code: 4 }
  },
  {
    name: "PUBLISH QoS 0 retained",
    ref: { cmd: "publish", topic: "x/y", payload: Buffer.from("1"), qos: 0, retain: true, dup: false },
    bytes: bytes(0x31, 6, 0, 3, "x/y", "1"),
    ours: { type: 3, topic: "x/y", payload: "1", qos: 0, retain: true, dup: false, id: undefined }
  },
  {
    name: "PUBLISH QoS 1 DUP, id 513, UTF-8 topic, binary payload",
    ref: {
      cmd: "publish",
      topic: "ü/😀",
      payload: Buffer.from([0, 255]),
      qos: 1,
      retain: false,
      dup: true,
      messageId: 513
    },
    bytes: bytes(0x3a, 2 + 7 + 2 + 2, 0, 7, utf8("ü/😀"), 2, 1, "\x00\xff"),
    // Its UTF-8 bytes, checked, not converted.
    ours: { type: 3, topic: utf8("ü/😀"), payload: "\x00\xff", qos: 1, retain: false, dup: true, id: 513 }
  },
  {
    name: "PUBLISH QoS 0, empty payload",
    ref: { cmd: "publish", topic: "t", payload: Buffer.alloc(0), qos: 0, retain: false, dup: false },
    bytes: bytes(0x30, 3, 0, 1, "t"),
    ours: { type: 3, topic: "t", payload: "", qos: 0, retain: false, dup: false, id: undefined }
  },
  {
    name: "PUBACK id 1",
    ref: { cmd: "puback", messageId: 1 },
    bytes: bytes(0x40, 2, 0, 1),
    ours: { type: 4, id: 1, code: NaN }
  },
  {
    name: "SUBACK id 7 granted QoS 1",
    ref: { cmd: "suback", messageId: 7, granted: [1] },
    bytes: bytes(0x90, 3, 0, 7, 1),
    ours: { type: 9, id: 7, code: 1 }
  },
  {
    name: "SUBACK id 300 failure 0x80",
    ref: { cmd: "suback", messageId: 300, granted: [0x80] },
    bytes: bytes(0x90, 3, 1, 44, 0x80),
    ours: { type: 9, id: 300, code: 0x80 }
  },
  {
    name: "UNSUBACK id 8",
    ref: { cmd: "unsuback", messageId: 8 },
    bytes: bytes(0xb0, 2, 0, 8),
    ours: { type: 11, id: 8, code: NaN }
  },
  { name: "PINGRESP", ref: { cmd: "pingresp" }, bytes: bytes(0xd0, 0), ours: { type: 13, id: 0, code: NaN } }
];

// The fields of `want` (deeply) found in `got`; Buffers compared by content.
function assertFields(got: any, want: any, path = "") {
  for (const k of Object.keys(want)) {
    const w = want[k],
      g = got[k];
    if (Buffer.isBuffer(w)) assert.equal(hex(Buffer.from(g).toString("latin1")), hex(w.toString("latin1")), path + k);
    else if (w && typeof w === "object") assertFields(g, w, path + k + ".");
    else assert.deepEqual(g, w, path + k);
  }
}

describe("mqtt codec", function () {
  describe("packets the client sends", function () {
    for (const t of OUTGOING) {
      it(t.name, function () {
        const ours = t.encode();
        assert.equal(hex(ours), hex(t.bytes), "our encoding");
        assertFields(refParse(ours), t.ref);
        assert.equal(hex(refGenerate(t.ref)), hex(t.bytes), "mqtt-packet's encoding");
      });
    }
  });

  describe("packets a broker sends", function () {
    for (const t of INCOMING) {
      it(t.name, function () {
        assert.equal(hex(refGenerate(t.ref)), hex(t.bytes), "mqtt-packet's encoding");
        assert.deepEqual(ourDecode(t.bytes), t.ours);
      });
    }
  });

  describe("remaining length", function () {
    // Boundaries from the spec's table 2.4 [MQTT-2.2.3].
    const BOUNDARIES: Array<[number, number[]]> = [
      [0, [0x00]],
      [127, [0x7f]],
      [128, [0x80, 0x01]],
      [16383, [0xff, 0x7f]],
      [16384, [0x80, 0x80, 0x01]],
      [2097151, [0xff, 0xff, 0x7f]],
      [2097152, [0x80, 0x80, 0x80, 0x01]],
      [268435455, [0xff, 0xff, 0xff, 0x7f]]
    ];
    for (const [n, enc] of BOUNDARIES) {
      it(`${n} is ${enc.length} byte(s), as the spec and mqtt-packet have it, and the framer reads it back`, function () {
        assert.equal(hex(remLength(n)), hex(String.fromCharCode(...enc)));
        if (n >= 3 && n <= 2097152) {
          // mqtt-packet's header for a PUBLISH of that remaining length (topic "t", QoS 0).
          const ref = refGenerate({
            cmd: "publish",
            topic: "t",
            payload: Buffer.alloc(n - 3),
            qos: 0,
            retain: false,
            dup: false
          });
          assert.equal(hex(ref.substr(1, enc.length)), hex(remLength(n)));
        }
        // The framer announces exactly 1 + enc.length + n bytes: one byte over the limit is refused
        // (a SUBACK's header here: a PUBLISH over it is dropped instead, below).
        const header = String.fromCharCode(0x90, ...enc);
        assert.throws(
          () => createFramer(header.length + n - 1, () => undefined)(header),
          (e) => e === "packet too large"
        );
        assert.doesNotThrow(() => createFramer(header.length + n, () => undefined)(header));
      });
    }
    it("a PUBLISH over the limit is dropped from its header, whatever its length's size; a SUBACK is refused", function () {
      for (const [n, enc] of BOUNDARIES.filter(([n]) => n >= 16)) {
        const got: any[] = [];
        const head = String.fromCharCode(0x32, ...enc) + bytes(0, 1, "t", 0, 9);
        const rest = frame("", head, 16, (h, b, big) => got.push([h, hex(b), big]));
        assert.deepEqual(got, [[0x32, hex(bytes(0, 1, "t", 0, 9)), 1 + enc.length + n]]);
        assert.equal(rest, n - 5);
        assert.throws(
          () => frame("", String.fromCharCode(0x90, ...enc), 16, () => undefined),
          (e) => e === "packet too large"
        );
      }
    });
    it("a fifth length byte is malformed, before it even arrives", function () {
      const feed = createFramer(1 << 30, () => undefined);
      assert.throws(
        () => feed(bytes(0x30, 0xff, 0xff, 0xff, 0xff)),
        (e) => e === "malformed: remaining length"
      );
    });
  });

  // A message over the limit streams by without being held: its head (topic and packet id) goes
  // to the client once, with its size, whatever the TCP reads; the packets around it are whole.
  describe("framer: a PUBLISH over the limit", function () {
    const MAX = 1024;
    const pub = (topic: string, n: number, qos: 0 | 1, id?: number) =>
      refGenerate({
        cmd: "publish",
        topic,
        payload: Buffer.alloc(n, 0x41),
        qos,
        messageId: id,
        retain: true,
        dup: false
      });
    const big = pub("living_room_lights", 2000, 1, 7);
    const STREAM = [pub("a", 3, 0), big, pub("b", 1000, 1, 8), bytes(0xd0, 0), pub("huge", 70000, 0)];
    const EXPECTED = [
      [0x31, hex(bytes(0, 1, "a", "AAA")), false],
      [0x33, hex(bytes(0, 18, "living_room_lights", 0, 7)), big.length],
      [0x33, hex(bytes(0, 1, "b", 0, 8, "A".repeat(1000))), false],
      [0xd0, "", false],
      [0x31, hex(bytes(0, 4, "huge")), 70000 + 6 + 4]
    ];
    // Feeds the chunks; checks that what is held between them is at most one packet's head.
    function run(chunks: string[]) {
      const got: any[] = [];
      let rest: string | number = "";
      for (const c of chunks) {
        rest = frame(rest, c, MAX, (h, b, big) => got.push([h, hex(b), big]));
        assert.ok(typeof rest == "number" || rest.length <= MAX, "held " + (rest as string).length);
      }
      assert.ok(rest === "" || rest === 0, "left " + rest);
      return got;
    }
    it("in one read, merged with the packets around it", function () {
      assert.deepEqual(run([STREAM.join("")]), EXPECTED);
    });
    it("split at every offset of its head, and in 536-byte reads", function () {
      const all = STREAM.join("");
      const at = STREAM[0].length;
      for (let i = at; i <= at + 30; i++)
        assert.deepEqual(run([all.slice(0, i), all.slice(i, i + 1), all.slice(i + 1)]), EXPECTED, "split at " + i);
      const reads: string[] = [];
      for (let i = 0; i < all.length; i += 536) reads.push(all.slice(i, i + 536));
      assert.deepEqual(run(reads), EXPECTED);
    });
    it("one byte at a time", function () {
      assert.deepEqual(run(STREAM.slice(0, 4).join("").split("")), EXPECTED.slice(0, 4));
    });
    it("refuses one whose topic and packet id alone are over the limit, and any other packet over it", function () {
      assert.throws(
        () => frame("", pub("t".repeat(1100), 2000, 1, 1), MAX, () => undefined),
        (e) => e === "packet too large"
      );
      assert.throws(
        () => frame("", bytes(0x90, 0x81, 0x08), MAX, () => undefined),
        (e) => e === "packet too large"
      );
    });
  });

  describe("malformed broker packets", function () {
    const CASES: Array<[string, string, string]> = [
      ["QoS 3", bytes(0x36, 5, 0, 1, "t", 0, 1), "malformed: qos"],
      ["QoS 2 (never granted)", bytes(0x34, 5, 0, 1, "t", 0, 1), "malformed: qos"],
      ["DUP on QoS 0", bytes(0x38, 3, 0, 1, "t"), "malformed: flags"],
      ["CONNACK with header flags", bytes(0x21, 2, 0, 0), "malformed: flags"],
      ["PUBACK with header flags", bytes(0x42, 2, 0, 1), "malformed: flags"],
      ["CONNECT from the broker", refGenerate({ cmd: "connect", clientId: "x" }), "malformed: type"],
      ["SUBSCRIBE from the broker", bytes(0x82, 6, 0, 1, 0, 1, "t", 0), "malformed: type"],
      ["PINGREQ from the broker", bytes(0xc0, 0), "malformed: type"],
      ["DISCONNECT from the broker", bytes(0xe0, 0), "malformed: type"],
      ["PUBREC (QoS 2 flow)", bytes(0x50, 2, 0, 1), "malformed: type"],
      ["reserved type 0", bytes(0x00, 0), "malformed: type"],
      ["reserved type 15", bytes(0xf0, 0), "malformed: type"],
      ["CONNACK of 3 bytes", bytes(0x20, 3, 0, 0, 0), "malformed: length"],
      ["CONNACK of 1 byte", bytes(0x20, 1, 0), "malformed: length"],
      ["PUBACK truncated", bytes(0x40, 1, 0), "malformed: length"],
      ["PINGRESP with a body", bytes(0xd0, 1, 0), "malformed: length"],
      ["SUBACK with two codes", bytes(0x90, 4, 0, 1, 0, 1), "malformed: length"],
      ["PUBLISH without a topic length", bytes(0x30, 1, 0), "malformed: length"],
      ["PUBLISH topic length past the end", bytes(0x30, 4, 0, 9, "ab"), "malformed: topic length"],
      ["PUBLISH QoS 1 without a packet id", bytes(0x32, 4, 0, 1, "t", 0), "malformed: length"],
      ["PUBLISH QoS 1 packet id 0", bytes(0x32, 5, 0, 1, "t", 0, 0), "malformed: packet id"],
      ["PUBACK packet id 0", bytes(0x40, 2, 0, 0), "malformed: packet id"],
      ["PUBLISH empty topic", bytes(0x30, 2, 0, 0), "malformed: topic"],
      ["PUBLISH wildcard topic", bytes(0x30, 3, 0, 1, "#"), "malformed: topic"],
      ["PUBLISH topic with ill-formed UTF-8", bytes(0x30, 4, 0, 2, 0xc3, 0x28), "malformed: topic"],
      ["PUBLISH topic with U+0000", bytes(0x30, 4, 0, 2, "a", 0), "malformed: topic"],
      ["CONNACK reserved flag bits", bytes(0x20, 2, 2, 0), "malformed: connack"],
      ["CONNACK session present with a refusal", bytes(0x20, 2, 1, 5), "malformed: connack"],
      ["SUBACK return code 3", bytes(0x90, 3, 0, 1, 3), "malformed: suback"]
    ];
    for (const [name, data, reason] of CASES) {
      it(`${name}: "${reason}"`, function () {
        assert.throws(
          () => ourDecode(data),
          (e) => e === reason
        );
      });
    }
  });
});
