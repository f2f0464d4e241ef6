// The node's MQTT 3.1.1 client: one session over a socket handed in through `Net`. QoS 0 and 1,
// a bounded outbox resent after reconnects, keepalive with a PINGRESP deadline, and one failure
// path (fail) that closes the socket, stops the timer, drops listeners and reports once.
// Time is counted in ticks of one 500 ms interval per connection, not a timer per event: deadlines
// and the keepalive are that precise.
//
// The reasons it closes with are CloseReason's (src/mqtt/api.ts says when each happens).
import { Net, Socket } from "../ports";
import { CloseReason, MqttClient, MqttEvent, MqttOptions } from "./api";
import { frame } from "./framer";
import { at, chr, text, u16 } from "./utf8";
import { bad, badTopic, decode, encodeConnect, packet, Packet, PINGREQ, DISCONNECT, PUBACK, PUBLISH, SUBSCRIBE } from "./codec";


// The firmware has one client, so its state lives at module level and createClient() starts it
// afresh: on Espruino every function nested in another costs about 3 variables more than one at
// module level (its chain of scopes), and a factory's dozen closures cost that each.
var net: Net;
var o: any;
// The socket of the current attempt, 0 when there is none.
var sock: any;
// Where the connection is; ordered, so `st > Phase.TCP` means CONNECT went out.
const enum Phase { IDLE, TCP, CONNECT_SENT, CONNECTED }
var st: Phase;
var tick: any;
// Ticks left before the one deadline: CONNACK before CONNECTED, PINGRESP after (0: none pending).
var dead: number;
// Ticks since the last write: PINGREQ only after keepalive seconds without one.
var idle: number;
var lastId: number;
// QoS 1 messages awaiting PUBACK, oldest first, flat: id, packet, id, packet... Ids are numbers
// and packets strings, so indexOf(id) finds an id. A packet is stored with DUP once sent.
var box: any[];
// Subscriptions, topic -> qos, plus 8 once SUBACKed in this session; SUBSCRIBEs in flight, id -> topic.
var subs: any;
var pend: any;
// The client object handed out (its callbacks are set by the user).
var c: any;

// Runs a user callback (unset is fine); its exceptions never reach the socket callback, nor
// lose a PUBACK or the rest of a chunk.
function call(fn: any, a?: any, b?: any) {
  try {
    fn(a, b);
  } catch (e) {}
}

function fail(reason: CloseReason) {
  if (!st) return;
  var s = sock;
  st = Phase.IDLE;
  sock = 0;
  pend = {};
  clearInterval(tick);
  if (s) {
    s.removeAllListeners();
    s.end();
  }
  call(c.onEvent, MqttEvent.CLOSED, reason);
}

function send(p: string) {
  (sock as Socket).write(p);
  idle = 0;
}

// PINGREQ after keepalive seconds without a write (reads do not count) [MQTT-3.1.2-23], idle
// time counting from the CONNECT as the broker's does; the link is dead when its PINGRESP is
// not back within keepalive/2 seconds, which at 2 ticks a second is `keepalive` ticks.
function check() {
  // "connack timeout" or "ping timeout", written once: 6 bytes fewer than both.
  if (dead && --dead < 1) fail(((st < Phase.CONNECTED ? "connack" : "ping") + " timeout") as CloseReason);
  else if (ka && ++idle >= 2 * ka && st == Phase.CONNECTED) {
    send(PINGREQ);
    dead = ka;
  }
}

// Packet ids are non-zero and unique among those in flight [MQTT-2.3.1-2], and wrap 1023 -> 1 (any
// id up to 65535 is valid, and at most a few are in flight): on Espruino an integer over 1023 takes
// a variable of its own, so a counter that climbs past it grows the client by one.
function nextId() {
  do lastId = (lastId % 1023) + 1;
  while (pend[lastId] || ~box.indexOf(lastId));
  return lastId;
}

// One filter per SUBSCRIBE, so each SUBACK maps to exactly one topic.
function sub(topic: string) {
  var id = nextId();
  pend[id] = topic;
  send(packet(SUBSCRIBE, u16(id) + text(topic) + chr(subs[topic])));
}

// Session logic per broker packet; throws a reason string on a protocol violation. CONNACK comes
// first and once [MQTT-3.2.0-1]: it needs CONNECT_SENT, every other packet CONNECTED. That also
// stops the rest of a chunk once a callback closed the connection (IDLE) or started another (TCP).
// PUBLISH, the common packet, is handled here and the others in onControl: on Espruino a branch
// not taken is still read through, once per packet.
// A PUBLISH over maxPacket comes as its first bytes, up to the packet id, with its size in `big`: it
// is acknowledged and reported, not delivered.
function onPacket(h: number, b: string, big?: number | false) {
  var p = /*@__NOINLINE__*/ decode(h, b), t = p.type;
  if ((t == 2 ? Phase.CONNECT_SENT : Phase.CONNECTED) != st) bad("sequence");
  // Any packet shows the broker alive: it ends the CONNACK or PINGRESP deadline.
  dead = 0;
  if (t != 3) return /*@__NOINLINE__*/ onControl(p);
  // Acknowledged before delivery, so a throwing handler cannot lose the PUBACK. Only QoS 1
  // carries an id.
  if (p.id) send(packet(PUBACK, u16(p.id)));
  // call() inline: a call less per message.
  try {
    big ? c.onEvent(MqttEvent.DROPPED, p.topic, big) : c.onMessage(p);
  } catch (e) {}
}

function onControl(p: Packet) {
  var t = p.type, code = p.code as number, id = p.id as number, i: number, k: string;
  if (t == 2) {
    // CONNACK return codes 1-5 [MQTT-3.2.2-3], as "refused: ..." reasons.
    if (code) throw "refused: " + (["protocol version", "client id", "unavailable", "bad user name or password", "not authorized"][code - 1] || code);
    st = Phase.CONNECTED;
    // The client owns the subscriptions: without a session it subscribes them again itself.
    for (k in subs) {
      if (!p.session) subs[k] &= 7;
      if (subs[k] < 8) sub(k);
    }
    // Unacknowledged QoS 1 messages go again, same ids [MQTT-4.4.0-1].
    for (i = 1; i < box.length; i += 2) {
      send(box[i]);
      box[i] = dup(box[i]);
    }
    call(c.onEvent, MqttEvent.CONNECTED, p.session);
  } else if (t == 4) {
    i = box.indexOf(id);
    if (~i) box.splice(i, 2);
    if (!box.length) call(c.onEvent, MqttEvent.DRAINED);
  } else if (t == 9 && (k = pend[id])) {
    pend[id] = 0;
    if (code < 0x80) subs[k] |= 8;
    call(c.onSubscribed, k, code);
  }
}

// The CONNECT of the attempt under way, until the TCP connection opens; the keepalive it asked for.
var hello: string;
var ka: number;
// The partial packet received so far on the current socket, or how many bytes of a dropped one
// are still to come (see frame).
var rest: string | number;

// The socket handlers live at module level, not as closures over connect(): fail() removes every
// listener of a socket it drops (its connect callback too, on Espruino as in Node), so only the
// current socket is ever heard.
function onOpen() {
  st = Phase.CONNECT_SENT;
  dead = o.connackTimeout / 500;
  send(hello);
  hello = "";
}

function onLost() {
  fail(st > Phase.TCP ? "connection lost" : "connect failed");
}

// A callback run for a packet may close this connection and start another: what is left of
// this chunk then belongs to no socket (onPacket refuses it out of sequence, and is not heard).
function onData(d: string) {
  var s = sock, left: string | number;
  try {
    left = /*@__NOINLINE__*/ frame(rest, d, o.maxPacket, onPacket);
    if (s == sock) rest = left;
  } catch (e) {
    // Reasons are thrown as strings; anything else is a bug.
    if (s == sock) fail((e as any).charAt ? (e as CloseReason) : "error");
  }
}

// Options: the constructor's, with this connect()'s on top (Object.assign skips an undefined
// source, on Espruino as in JS). They are read here and dropped: only the CONNECT packet and
// the keepalive stay until the connection opens.
function connect(more?: Partial<MqttOptions>) {
  var s: Socket, opts: any;
  fail("closed");
  opts = Object.assign({}, o, more);
  ka = opts.keepalive;
  hello = encodeConnect(opts);
  rest = "";
  st = Phase.TCP;
  dead = o.connackTimeout / 500;
  tick = setInterval(check, 500);
  try {
    s = sock = net.connect({ host: opts.host, port: opts.port }, onOpen);
  } catch (e) {
    return onLost();
  }
  // 'close' follows 'end', and 'error' too, on Espruino (socketserver.c) as in Node: 'close' alone
  // is heard (a listener costs 3 variables). A socket that never reports is the CONNACK deadline's.
  s.on("data", onData);
  s.on("close", onLost);
}

// A topic already known (sent, acknowledged, or resent at CONNACK) is not subscribed again.
function subscribe(topic: string, qos: 0 | 1) {
  if (subs[topic] !== undefined && (subs[topic] & 7) == qos) return;
  subs[topic] = qos;
  if (st == Phase.CONNECTED) sub(topic);
}

// False for a topic that is empty or has wildcards, QoS 0 while offline, or a full outbox.
function publish(topic: string, payload: string, qos: 0 | 1, retain: boolean) {
  var id: any, p: string;
  if (badTopic(topic) || (qos && box.length >= 2 * o.outboxSize)) return false;
  // DUP 0 at first; the packet id is only present for QoS 1 [MQTT-2.3.1-5].
  p = packet(PUBLISH | (qos << 1) | (retain as any), text(topic) + (qos ? u16((id = nextId())) : "") + payload);
  if (qos) box.push(id, st == Phase.CONNECTED ? dup(p) : p);
  if (st == Phase.CONNECTED) send(p);
  return qos > 0 || st == Phase.CONNECTED;
}

// DISCONNECT only once CONNECT went out; it makes the broker discard the will [MQTT-3.1.2-10].
function disconnect() {
  if (st > Phase.TCP) send(DISCONNECT);
  fail("disconnected");
}

// The same PUBLISH with DUP set, for every send after the first [MQTT-3.3.1-1].
function dup(p: string): string {
  return chr(at(p, 0) | 8) + p.slice(1);
}

// Starts the client afresh (one at a time: see the module state above).
// The constructor's options are the defaults of every connect(), which gives the rest.
export function createClient(network: Net, options: Partial<MqttOptions>): MqttClient {
  net = network;
  // The defaults (10 s for CONNACK, 1 KB packets, 8 messages waiting for PUBACK), then what the
  // caller gives: 0 is a value like any other.
  o = Object.assign({ connackTimeout: 10000, maxPacket: 1024, outboxSize: 8 }, options);
  st = Phase.IDLE;
  sock = lastId = 0;
  box = [];
  subs = {};
  pend = {};
  c = {
    connect: connect,
    subscribe: subscribe,
    publish: publish,
    disconnect: disconnect
  };
  return c as MqttClient;
}
