// MQTT 3.1.1 packets as byte strings: the pieces the client builds its packets from (fixed
// headers, remaining length; 16-bit numbers and string fields come from utf8.ts), CONNECT, and
// one decoder for what a broker may send. Decode errors are thrown as the client's short reason
// strings. The client writes PUBLISH, PUBACK and SUBSCRIBE inline from these pieces (one line
// each): once minified that is far smaller than a call into an encoder per packet type.
import { at, chr, field, u16, utf8Valid } from "./utf8";
import { Malformed } from "./api";

// Fixed headers of the packets the client sends, with the flags [MQTT-2.2.2-1] requires.
export var CONNECT = 0x10;
export var PUBLISH = 0x30;
export var PUBACK = 0x40;
export var SUBSCRIBE = 0x82;
export var UNSUBSCRIBE = 0xa2;
// Escaped literals, so the minifier inlines them; the build prints ASCII only.
export var PINGREQ = "\xc0\x00";
export var DISCONNECT = "\xe0\x00";

// The types of packet a broker may send (a fixed header's high 4 bits) the client tells apart.
export const enum Type {
  CONNACK = 2,
  PUBLISH = 3,
  PUBACK = 4,
  SUBACK = 9
}

// Remaining length of each packet type a broker may send, indexed by type: CONNACK (2) flags and
// return code, PUBACK (4) and UNSUBACK (11) a packet id, SUBACK (9) a packet id and one return code
// (the client subscribes one filter at a time), PINGRESP (13) nothing; PUBLISH (3) has a digit only
// to pass the type check, its length varies. The other types ("x", or past the end: client-to-
// broker, or the QoS 2 flow, which we never request) are malformed. A function the minifier writes
// in place at each use, not a variable: a literal in code run from flash lives only while it is
// read, a variable's string for good (measured: idle 641 -> 639, a broker restart's peak 897 ->
// 887; 5 bytes more).
function fixed(): any {
  return "xx222xxxx3x2x0";
}

// A packet as decoded; which fields are set depends on `type`.
export interface Packet {
  type: number;
  // PUBLISH (QoS 1), PUBACK, SUBACK, UNSUBACK; 0 for PINGRESP, which has none
  id?: number;
  // CONNACK: return code and session present; SUBACK: granted QoS or 0x80
  code?: number;
  session?: boolean;
  // PUBLISH
  topic?: string;
  payload?: string;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
}

// Remaining length: 7 bits per byte, low group first, high bit = more follows. Recursive, so the
// minifier keeps it one small function.
export function remLength(n: number): string {
  var more = n >> 7;
  return chr(more ? 128 | (n & 127) : n) + (more ? remLength(more) : "");
}

export function packet(header: number, body: string): string {
  return chr(header) + remLength(body.length) + body;
}

export interface ConnectFields {
  clientId: string;
  clean: boolean;
  keepalive: number;
  username?: string;
  password?: string;
  will?: { topic: string; payload: string; qos: number; retain: boolean };
}

// CONNECT, protocol level 4. An empty user name or password counts as none; the password is sent
// only with a user name [MQTT-3.1.2-22]. The will payload is bytes; text fields are UTF-8 encoded.
// One expression, its names unlike the client's: the minifier then writes it in place.
export function encodeConnect(fields: ConnectFields): string {
  var will: any = fields.will,
    user: any = fields.username,
    pass: any = user && fields.password;
  return packet(
    CONNECT,
    "\x00\x04MQTT\x04" +
      chr(
        ((fields.clean as any) << 1) | (will && 4 | (will.qos << 3) | (will.retain << 5)) | (user && 128) | (pass && 64)
      ) +
      u16(fields.keepalive) +
      field(fields.clientId) +
      (will ? field(will.topic) + field(will.payload) : "") +
      (user ? field(user) : "") +
      (pass ? field(pass) : "")
  );
}

// The client never unsubscribes; kept so the codec covers the packet types the issue lists.
export function encodeUnsubscribe(id: number, topic: string): string {
  return packet(UNSUBSCRIBE, u16(id) + field(topic));
}

// A topic name must be non-empty [MQTT-4.7.3-1], carry no wildcards [MQTT-3.3.2-2], and be
// well-formed UTF-8 without U+0000 [MQTT-1.5.3-1, -2].
export function badTopic(topic: string): boolean {
  return !topic || /[+#]/.test(topic) || !utf8Valid(topic);
}

// Every protocol violation ends here, as the client's reason string.
export function bad(what: Malformed): never {
  throw "malformed: " + what;
}

// The 16-bit big-endian number at i (missing bytes read as 0); with `id`, a packet id, which is
// never zero [MQTT-2.3.1-1].
export function u16at(b: string, i: number, id?: boolean): number {
  return (at(b, i) << 8) | at(b, i + 1) || (id ? bad("packet id") : 0);
}

// Decodes one whole packet: first header byte `h`, body `b` (remaining-length bytes).
export function decode(h: number, b: string): Packet {
  var t = h >> 4,
    f = h & 15,
    n = b.length,
    q = (f >> 1) & 3,
    i: number,
    id: number | undefined,
    topic: string;
  if (!(/*@__INLINE__*/ fixed()[t] >= 0)) bad("type");
  // Header flags are 0 [MQTT-2.2.2-1], except PUBLISH's, where DUP needs QoS 1 [MQTT-3.3.1-2].
  if (t == Type.PUBLISH ? f > 7 && !q : f) bad("flags");
  // The other packets in a function of their own: on Espruino a branch not taken is still read
  // through, once per PUBLISH.
  if (t != Type.PUBLISH) return /*@__NOINLINE__*/ decodeControl(t, b);
  // QoS 3 is malformed [MQTT-3.3.1-4], QoS 2 was never granted.
  if (q > 1) bad("qos");
  // No room for the topic length, or for the packet id after the topic. Read inline, not with
  // u16at: three calls less per message (a missing byte reads as NaN, 0 once shifted).
  i = 2 + ((b.charCodeAt(0) << 8) | b.charCodeAt(1));
  if (n < 2 || (q && i + 2 > n)) bad("length");
  if (i > n) bad("topic length");
  topic = b.slice(2, i);
  // The common topic, ASCII with neither NUL nor a wildcard, is valid as it is: one native test.
  if (!/^[^\x00+#\x80-\xff]+$/.test(topic) && badTopic(topic)) bad("topic");
  if (q) {
    id = u16at(b, i, true);
    i += 2;
  }
  return { type: t, topic: topic as string, payload: b.slice(i), qos: q, retain: !!(f & 1), dup: f > 7, id: id };
}

// CONNACK, PUBACK, SUBACK, UNSUBACK, PINGRESP: each of a fixed length.
function decodeControl(t: number, b: string): Packet {
  var n = b.length,
    c: number,
    i: number;
  if (n != /*@__INLINE__*/ fixed()[t]) bad("length");
  // CONNACK: reserved bits are 0 [MQTT-3.2.2-1], no session with a refusal [MQTT-3.2.2-4].
  if (t == Type.CONNACK) {
    c = at(b, 0);
    i = at(b, 1);
    if (c > +!i) bad("connack");
    return { type: t, session: c == 1, code: i };
  }
  i = at(b, 2);
  // SUBACK return codes: granted QoS 0-2 or 0x80 failure [MQTT-3.9.3-2].
  if (t == Type.SUBACK && i > 2 && i != 0x80) bad("suback");
  return { type: t, id: n && u16at(b, 0, true), code: i };
}
