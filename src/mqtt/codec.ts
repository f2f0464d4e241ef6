// MQTT 3.1.1 packets as byte strings: encoders for what the client sends, one decoder for what a
// broker may send. Decode errors are thrown as the client's short reason strings.
import { at, chr, utf8Encode, utf8Decode } from "./utf8";

// Fixed headers of the packets the client sends, with the flags [MQTT-2.2.2-1] requires.
export var CONNECT = 0x10;
export var PUBLISH = 0x30;
export var PUBACK = 0x40;
export var SUBSCRIBE = 0x82;
export var UNSUBSCRIBE = 0xa2;
// Built with chr(), not literals, so no minifier can turn them into non-ASCII source text.
export var PINGREQ = chr(0xc0, 0);
export var DISCONNECT = chr(0xe0, 0);

// Remaining length of each packet type a broker may send, other than PUBLISH, indexed by type:
// CONNACK (2) flags and return code, PUBACK (4) and UNSUBACK (11) a packet id, SUBACK (9) a packet
// id and one return code (the client subscribes one filter at a time), PINGRESP (13) nothing.
// Their header flags are all 0 [MQTT-2.2.2-1]. The other types ("x": client-to-broker, or the
// QoS 2 flow, which we never request) are malformed.
var FIXED: any = "xx2x2xxxx3x2x0xx";

// A packet as decoded; which fields are set depends on `type`.
export interface Packet {
  type: number;
  // PUBLISH (QoS 1), PUBACK, SUBACK, UNSUBACK
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

// Remaining length: 7 bits per byte, low group first, high bit = more follows.
export function remLength(n: number): string {
  for (var s = ""; (s += chr(n > 127 ? 128 | (n & 127) : n)), (n >>= 7); );
  return s;
}

export function u16(n: number): string {
  return chr(n >> 8, n & 255);
}

// A length-prefixed field; `s` must already be a byte string.
function field(s: string): string {
  return u16(s.length) + s;
}

// A length-prefixed text field, UTF-8 encoded.
export function text(s: string): string {
  return field(utf8Encode(s));
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

// CONNECT, protocol level 4. An empty user name counts as none; the password is sent only with a
// user name [MQTT-3.1.2-22]. The will payload is bytes; text fields are UTF-8 encoded.
export function encodeConnect(o: ConnectFields): string {
  var flags = (o.clean as any) << 1, w = o.will, body = text(o.clientId);
  if (w) {
    flags |= 4 | (w.qos << 3) | ((w.retain as any) << 5);
    body += text(w.topic) + field(w.payload);
  }
  if (o.username) {
    flags |= 128;
    body += text(o.username);
    if (o.password != null) {
      flags |= 64;
      body += text(o.password);
    }
  }
  return packet(CONNECT, chr(0, 4) + "MQTT" + chr(4, flags) + u16(o.keepalive) + body);
}

// PUBLISH with DUP 0; the packet id is only present for QoS 1 [MQTT-2.3.1-5]. A resend sets DUP
// on the stored packet (header | 8).
export function encodePublish(topic: string, payload: string, qos: number, retain: boolean, id: number): string {
  return packet(PUBLISH | (qos << 1) | (retain as any), text(topic) + (qos ? u16(id) : "") + payload);
}

export function encodePuback(id: number): string {
  return packet(PUBACK, u16(id));
}

// One filter per SUBSCRIBE, so each SUBACK maps to exactly one topic.
export function encodeSubscribe(id: number, topic: string, qos: number): string {
  return packet(SUBSCRIBE, u16(id) + text(topic) + chr(qos));
}

export function encodeUnsubscribe(id: number, topic: string): string {
  return packet(UNSUBSCRIBE, u16(id) + text(topic));
}

// A topic name must be non-empty [MQTT-4.7.3-1] and carry no wildcards [MQTT-3.3.2-2]; null is
// what utf8Decode returns for ill-formed UTF-8.
export function badTopic(topic: string | null): boolean {
  return !topic || /[+#]/.test(topic);
}

// Every protocol violation ends here, as the client's reason string.
export function bad(what: string): never {
  throw "malformed: " + what;
}

// The 16-bit big-endian number at i (missing bytes read as 0).
function u16at(b: string, i: number): number {
  return (at(b, i) << 8) | at(b, i + 1);
}

// Reads a non-zero packet id at i [MQTT-2.3.1-1].
function readId(b: string, i: number): number {
  return u16at(b, i) || bad("packet id");
}

// Decodes one whole packet: first header byte `h`, body `b` (remaining-length bytes).
export function decode(h: number, b: string): Packet {
  var t = h >> 4, f = h & 15, n = b.length, q = (f >> 1) & 3, c = at(b, 0), i: number, id: number | undefined, topic: string | null;
  if (t == 3) {
    // QoS 3 is malformed [MQTT-3.3.1-4], QoS 2 was never granted; DUP needs QoS 1 [MQTT-3.3.1-2].
    if (q > 1) bad("qos");
    if (f > 7 && !q) bad("flags");
    if (n < 2) bad("length");
    i = 2 + u16at(b, 0);
    if (i > n) bad("topic length");
    topic = utf8Decode(b.substring(2, i));
    if (badTopic(topic)) bad("topic");
    if (q) {
      if (i + 2 > n) bad("length");
      id = readId(b, i);
      i += 2;
    }
    return { type: t, topic: topic as string, payload: b.substr(i), qos: q, retain: !!(f & 1), dup: f > 7, id: id };
  }
  if (FIXED[t] == "x") bad("type");
  if (f) bad("flags");
  if (n != FIXED[t]) bad("length");
  // CONNACK: reserved bits are 0 [MQTT-3.2.2-1], no session with a refusal [MQTT-3.2.2-4].
  if (t == 2) {
    i = at(b, 1);
    if (c > 1 || (c && i)) bad("connack");
    return { type: t, session: c == 1, code: i };
  }
  i = at(b, 2);
  // SUBACK return codes: granted QoS 0-2 or 0x80 failure [MQTT-3.9.3-2].
  if (t == 9 && i > 2 && i != 0x80) bad("suback");
  return { type: t, id: n ? readId(b, 0) : undefined, code: i };
}
