// The node's MQTT 3.1.1 client: one session over a socket handed in through `Net`. QoS 0 and 1,
// a bounded outbox resent after reconnects, keepalive with a PINGRESP deadline, and one failure
// path (fail) that closes the socket, stops the timer, drops listeners and reports once.
// Time is counted in ticks of one 500 ms interval per connection, not a timer per event: deadlines
// and the keepalive are that precise.
//
// The reasons it closes with are CloseReason's (src/mqtt/api.ts says when each happens).
import { SET_LETTER } from "../config";
import { Net, Socket } from "../ports";
import { CloseReason, MqttClient, MqttEvent, MqttMessage, MqttOptions } from "./api";
import { frame } from "./framer";
import { at, chr, field, u16 } from "./utf8";
import {
  bad,
  badTopic,
  decode,
  encodeConnect,
  packet,
  Packet,
  PINGREQ,
  DISCONNECT,
  PUBACK,
  PUBLISH,
  SUBSCRIBE,
  Type
} from "./codec";

// The firmware has one client, so its state lives at module level and createClient() starts it
// afresh: on Espruino every function nested in another costs about 3 variables more than one at
// module level (its chain of scopes), and a factory's dozen closures cost that each. The minifier
// gives these names one or two letters.
var net: Net;
// The constructor's options over the defaults: those of every connect().
var options: MqttOptions & { connackTimeout: number; maxPacket: number; outboxSize: number };
// The socket of the current attempt, 0 when there is none.
var socket: Socket | 0;
// Where the connection is; ordered, so `phase > Phase.TCP` means CONNECT went out.
const enum Phase {
  IDLE,
  TCP,
  CONNECT_SENT,
  CONNECTED
}
var phase: Phase;
// The 500 ms interval of the connection (check()).
var ticker: any;
// Ticks left before the one deadline: CONNACK before CONNECTED, PINGRESP after (0: none pending).
var deadline: number;
// Ticks since the last write: PINGREQ only after keepalive seconds without one.
var idleTicks: number;
// The packet id last given out (nextId).
var lastId: number;
// QoS 1 messages awaiting PUBACK, oldest first, flat: id, packet, id, packet... Ids are numbers
// and packets strings, so indexOf(id) finds an id. A packet is stored with DUP once sent.
var outbox: (number | string)[];
// Subscriptions, topic -> qos, plus SUBACKED once acknowledged in this session.
var subscriptions: { [topic: string]: number };
// The bit added to a subscription's qos once the broker acknowledged it.
const enum Sub {
  QOS = 7,
  SUBACKED = 8
}
// SUBSCRIBEs in flight: packet id -> topic (0 once acknowledged).
var subscribing: { [id: number]: string | 0 };
// The client object handed out (its callbacks are set by the user).
var client: MqttClient;

// Runs a user callback (unset is fine); its exceptions never reach the socket callback, nor
// lose a PUBACK or the rest of a chunk.
function call(fn: any, a?: any, b?: any) {
  try {
    fn(a, b);
  } catch (e) {}
}

// The one way a connection ends, for every reason: closes the socket without hearing it again,
// stops the ticker, forgets the SUBSCRIBEs in flight and reports CLOSED once.
function fail(reason: CloseReason) {
  if (!phase) return;
  var closing = socket;
  phase = Phase.IDLE;
  socket = 0;
  subscribing = {};
  clearInterval(ticker);
  if (closing) {
    closing.removeAllListeners();
    closing.end();
  }
  call(client.onEvent, MqttEvent.CLOSED, reason);
}

function send(p: string) {
  (socket as Socket).write(p);
  idleTicks = 0;
}

// PINGREQ after keepalive seconds without a write (reads do not count) [MQTT-3.1.2-23], idle
// time counting from the CONNECT as the broker's does; the link is dead when its PINGRESP is
// not back within keepalive/2 seconds, which at 2 ticks a second is `keepalive` ticks.
// On 4 MB boards (SET_LETTER: "" on 1 MB ones, where the minifier drops it) each tick while
// connected is also told (TICK): the app's telemetry counts them.
function check() {
  // "connack timeout" or "ping timeout", written once: 6 bytes fewer than both.
  if (deadline && --deadline < 1) fail(((phase < Phase.CONNECTED ? "connack" : "ping") + " timeout") as CloseReason);
  else if (keepalive && ++idleTicks >= 2 * keepalive && phase == Phase.CONNECTED) {
    send(PINGREQ);
    deadline = keepalive;
  }
  if (SET_LETTER && phase == Phase.CONNECTED) call(client.onEvent, MqttEvent.TICK);
}

// Packet ids are non-zero and unique among those in flight [MQTT-2.3.1-2], and wrap 1023 -> 1 (any
// id up to 65535 is valid, and at most a few are in flight): on Espruino an integer over 1023 takes
// a variable of its own, so a counter that climbs past it grows the client by one.
function nextId() {
  do lastId = (lastId % 1023) + 1;
  while (subscribing[lastId] || ~outbox.indexOf(lastId));
  return lastId;
}

// One filter per SUBSCRIBE, so each SUBACK maps to exactly one topic.
function sub(topic: string) {
  var id = nextId();
  subscribing[id] = topic;
  send(packet(SUBSCRIBE, u16(id) + field(topic) + chr(subscriptions[topic])));
}

// Session logic per broker packet (its first byte and its body, as the framer cuts them); throws
// a reason string on a protocol violation. CONNACK comes first and once [MQTT-3.2.0-1]: it needs
// CONNECT_SENT, every other packet CONNECTED. That also stops the rest of a chunk once a callback
// closed the connection (IDLE) or started another (TCP). PUBLISH, the common packet, is handled
// here and the others in onControl: on Espruino a branch not taken is still read through, once
// per packet. A PUBLISH over maxPacket comes as its first bytes, up to the packet id, with its
// size in `droppedSize`: it is acknowledged and reported, not delivered.
function onPacket(firstByte: number, body: string, droppedSize?: number | false) {
  // p.type read where needed, not kept: a variable less while CONNACK starts the connection's code.
  var p = /*@__NOINLINE__*/ decode(firstByte, body);
  if ((p.type == Type.CONNACK ? Phase.CONNECT_SENT : Phase.CONNECTED) != phase) bad("sequence");
  // Any packet shows the broker alive: it ends the CONNACK or PINGRESP deadline.
  deadline = 0;
  if (p.type != Type.PUBLISH) return /*@__NOINLINE__*/ onControl(p);
  // Acknowledged before delivery, so a throwing handler cannot lose the PUBACK. Only QoS 1
  // carries an id.
  if (p.id) send(packet(PUBACK, u16(p.id)));
  // call() inline: a call less per message.
  try {
    droppedSize ? client.onEvent(MqttEvent.DROPPED, p.topic, droppedSize) : client.onMessage(p as MqttMessage);
  } catch (e) {}
}

// CONNACK, PUBACK and SUBACK (PINGRESP only ended the deadline; UNSUBACK never comes: the client
// does not unsubscribe).
// p.type and p.id are read where needed, not kept: two variables less on the stack while the
// CONNACK's event loads and runs the connection's code (src/conn/net.ts).
function onControl(p: Packet) {
  var code = p.code as number,
    i: number,
    topic: string | 0;
  if (p.type == Type.CONNACK) {
    // CONNACK return codes 1-5 [MQTT-3.2.2-3], as "refused: ..." reasons.
    if (code)
      throw (
        "refused: " +
        (["protocol version", "client id", "unavailable", "bad user name or password", "not authorized"][code - 1] ||
          code)
      );
    phase = Phase.CONNECTED;
    // The client owns the subscriptions: without a session it subscribes them again itself.
    for (topic in subscriptions) {
      if (!p.session) subscriptions[topic] &= Sub.QOS;
      if (subscriptions[topic] < Sub.SUBACKED) sub(topic);
    }
    // Unacknowledged QoS 1 messages go again, same ids [MQTT-4.4.0-1]: the packets sit at the odd
    // places.
    for (i = 1; i < outbox.length; i += 2) {
      send(outbox[i] as string);
      outbox[i] = dup(outbox[i] as string);
    }
    call(client.onEvent, MqttEvent.CONNECTED, p.session);
  } else if (p.type == Type.PUBACK) {
    i = outbox.indexOf(p.id as number);
    if (~i) outbox.splice(i, 2);
    if (!outbox.length) call(client.onEvent, MqttEvent.DRAINED);
  } else if (p.type == Type.SUBACK && (topic = subscribing[p.id as number])) {
    // 0x80: the broker refused the subscription [MQTT-3.9.3].
    subscribing[p.id as number] = 0;
    if (code < 0x80) subscriptions[topic] |= Sub.SUBACKED;
    call(client.onSubscribed, topic, code);
  }
}

// The CONNECT of the attempt under way, until the TCP connection opens; the keepalive it asked for.
var connectPacket: string;
var keepalive: number;
// The partial packet received so far on the current socket, or how many bytes of a dropped one
// are still to come (see frame).
var partial: string | number;

// The socket handlers live at module level, not as closures over connect(): fail() removes every
// listener of a socket it drops (its connect callback too, on Espruino as in Node), so only the
// current socket is ever heard.
function onOpen() {
  phase = Phase.CONNECT_SENT;
  deadline = options.connackTimeout / 500;
  send(connectPacket);
  connectPacket = "";
}

function onLost() {
  fail(phase > Phase.TCP ? "connection lost" : "connect failed");
}

// A callback run for a packet may close this connection and start another: what is left of
// this chunk then belongs to no socket (onPacket refuses it out of sequence, and is not heard).
function onData(chunk: string) {
  var from = socket,
    left: string | number;
  try {
    // The partial packet is handed over, not kept: joined with the chunk, its copy is frame()'s
    // alone, and a 1 KB message peaks one partial lower (measured: 1,209 -> 1,143 on the probe,
    // +7 bytes).
    left = /*@__NOINLINE__*/ frame(partial, chunk, options.maxPacket, ((partial = ""), onPacket));
    if (from == socket) partial = left;
  } catch (e) {
    // Reasons are thrown as strings; anything else is a bug.
    if (from == socket) fail((e as any).charAt ? (e as CloseReason) : "error");
  }
}

// Options: the constructor's, with this connect()'s on top (Object.assign skips an undefined
// source, on Espruino as in JS). They are read here and dropped: only the CONNECT packet and
// the keepalive stay until the connection opens.
function connect(more?: Partial<MqttOptions>) {
  var opened: Socket, these: MqttOptions;
  fail("closed");
  these = Object.assign({}, options, more);
  keepalive = these.keepalive;
  connectPacket = encodeConnect(these);
  partial = "";
  phase = Phase.TCP;
  deadline = options.connackTimeout / 500;
  ticker = setInterval(check, 500);
  try {
    opened = socket = net.connect({ host: these.host, port: these.port }, onOpen);
  } catch (e) {
    return onLost();
  }
  // 'close' follows 'end', and 'error' too, on Espruino (socketserver.c) as in Node: 'close' alone
  // is heard (a listener costs 3 variables). A socket that never reports is the CONNACK deadline's.
  opened.on("data", onData);
  opened.on("close", onLost);
}

// A topic already known (sent, acknowledged, or resent at CONNACK) is not subscribed again.
function subscribe(topic: string, qos: 0 | 1) {
  if (subscriptions[topic] !== undefined && (subscriptions[topic] & Sub.QOS) == qos) return;
  subscriptions[topic] = qos;
  if (phase == Phase.CONNECTED) sub(topic);
}

// False for a topic that is empty or has wildcards, QoS 0 while offline, or a full outbox.
function publish(topic: string, payload: string, qos: 0 | 1, retain: boolean) {
  var id!: number, p: string;
  if (badTopic(topic) || (qos && outbox.length >= 2 * options.outboxSize)) return false;
  // DUP 0 at first; the packet id is only present for QoS 1 [MQTT-2.3.1-5].
  p = packet(PUBLISH | (qos << 1) | (retain as any), field(topic) + (qos ? u16((id = nextId())) : "") + payload);
  if (qos) outbox.push(id, phase == Phase.CONNECTED ? dup(p) : p);
  if (phase == Phase.CONNECTED) send(p);
  return qos > 0 || phase == Phase.CONNECTED;
}

// DISCONNECT only once CONNECT went out; it makes the broker discard the will [MQTT-3.1.2-10].
function disconnect() {
  if (phase > Phase.TCP) send(DISCONNECT);
  fail("disconnected");
}

// The same PUBLISH with DUP set, for every send after the first [MQTT-3.3.1-1].
function dup(p: string): string {
  return chr(at(p, 0) | 8) + p.slice(1);
}

// Starts the client afresh (one at a time: see the module state above).
// The constructor's options are the defaults of every connect(), which gives the rest.
export function createClient(network: Net, given: Partial<MqttOptions>): MqttClient {
  net = network;
  // The defaults (10 s for CONNACK, 1 KB packets, 8 messages waiting for PUBACK), then what the
  // caller gives: 0 is a value like any other.
  options = Object.assign({ connackTimeout: 10000, maxPacket: 1024, outboxSize: 8 }, given) as typeof options;
  phase = Phase.IDLE;
  socket = lastId = 0;
  outbox = [];
  subscriptions = {};
  subscribing = {};
  client = {
    connect: connect,
    subscribe: subscribe,
    publish: publish,
    disconnect: disconnect
  } as MqttClient;
  return client;
}
