// The node's MQTT 3.1.1 client: one session over a socket handed in through `Net`. QoS 0 and 1,
// a bounded outbox resent after reconnects, keepalive with a PINGRESP deadline, and one failure
// path (fail) that closes the socket, stops the timer, drops listeners and reports once.
// Time is kept as deadlines checked by one interval per connection, not a timer per event.
//
// onClose reasons (the closed set):
//   "refused: unacceptable protocol version" | "refused: identifier rejected" |
//   "refused: server unavailable" | "refused: bad user name or password" |
//   "refused: not authorized" | "refused: N" (reserved CONNACK return code N)
//   "connect failed"   the TCP connection never opened (or net.connect threw)
//   "connack timeout"  no CONNACK within connackTimeout of the TCP connection opening
//   "ping timeout"     no PINGRESP within keepalive/2 of a PINGREQ
//   "packet too large" an incoming fixed header announced more than maxPacket bytes
//   "malformed: X"     the broker broke the protocol, X being: remaining length (5th byte), type
//                      (not broker-to-client, or QoS 2 flow), flags, length (fields do not fit the
//                      remaining length), qos, topic length (past the packet end), topic (empty,
//                      wildcard or ill-formed UTF-8), packet id (zero), connack (reserved bits,
//                      session with a refusal), suback (bad return code), sequence (CONNACK not
//                      first, or twice)
//   "connection lost"  the socket closed, ended or failed after opening
//   "disconnected"     disconnect() was called
//   "closed"           close() was called, or connect() while a connection was up
//   "error"            an unexpected exception inside the client (a bug)
import { Net, Socket } from "../ports";
import { MqttClient, MqttOptions } from "./api";
import { createFramer } from "./framer";
import { chr } from "./utf8";
import { badTopic, decode, encodeConnect, encodePublish, encodePuback, encodeSubscribe, Packet, PINGREQ, DISCONNECT } from "./codec";

var REFUSED = ["", "unacceptable protocol version", "identifier rejected", "server unavailable", "bad user name or password", "not authorized"];
// How often deadlines are checked, in ms: the keepalive and timeouts are this precise.
var TICK = 500;

export function createClient(net: Net, options: MqttOptions): MqttClient {
  var o: any = {};
  var sock: Socket | null = null;
  // 0 idle, 1 TCP connecting, 2 CONNECT sent, 3 connected (CONNACK accepted).
  var st = 0;
  var tick: any;
  // Deadlines and the time of the last write, from Date.now(); pingBy is 0 when no PINGREQ is out.
  var ackBy = 0;
  var pingBy = 0;
  var sent = 0;
  var lastId = 0;
  // QoS 1 messages awaiting PUBACK, oldest first: [id, packet]. The packet gets DUP once sent.
  var box: any[] = [];
  // Subscriptions (topic -> qos), those SUBACKed in this session, and SUBSCRIBEs in flight (id -> topic).
  var subs: any = {};
  var done: any = {};
  var pend: any = {};
  var c: any;

  function merge(x: any) {
    if (x) for (var k in x) o[k] = x[k];
  }

  // Runs a user callback; its exceptions go to onError and never reach the socket callback.
  function call(fn: any, a?: any, b?: any) {
    try {
      fn(a, b);
    } catch (e) {
      try {
        c.onError(e);
      } catch (x) {}
    }
  }

  function fail(reason: string) {
    if (!st) return;
    var s = sock;
    st = 0;
    sock = null;
    c.connected = false;
    pend = {};
    clearInterval(tick);
    if (s) {
      s.removeAllListeners();
      try {
        s.end();
      } catch (e) {}
    }
    call(c.onClose, reason);
  }

  function waitAck() {
    ackBy = Date.now() + (o.connackTimeout || 10000);
  }

  function send(p: string) {
    (sock as Socket).write(p);
    sent = Date.now();
  }

  // PINGREQ only after keepalive seconds without a write (reads do not count) [MQTT-3.1.2-23].
  function check() {
    var now = Date.now(), ka = o.keepalive * 1000;
    if (st < 3 && now >= ackBy) fail("connack timeout");
    else if (pingBy && now >= pingBy) fail("ping timeout");
    else if (ka && st > 1 && now - sent >= ka) {
      send(PINGREQ);
      pingBy = pingBy || now + ka / 2;
    }
  }

  function find(id: number) {
    for (var i = 0; i < box.length; i++) if (box[i][0] == id) return i;
    return -1;
  }

  // Packet ids are non-zero and unique among those in flight, wrapping 65535 -> 1 [MQTT-2.3.1-2].
  function nextId() {
    do lastId = (lastId % 65535) + 1;
    while (pend[lastId] || find(lastId) >= 0);
    return lastId;
  }

  function sendPub(e: any[]) {
    send(e[1]);
    e[1] = chr(e[1].charCodeAt(0) | 8) + e[1].substr(1);
  }

  function sub(topic: string) {
    var id = nextId();
    pend[id] = topic;
    send(encodeSubscribe(id, topic, subs[topic]));
  }

  // Session logic per decoded packet; throws a reason string on a protocol violation.
  function onPacket(p: Packet) {
    var t = p.type, i: number, k: string;
    // CONNACK comes first and once [MQTT-3.2.0-1].
    if ((t == 2) != (st == 2)) throw "malformed: sequence";
    if (t == 2) {
      if (p.code) throw "refused: " + (REFUSED[p.code] || p.code);
      st = 3;
      c.connected = true;
      if (!p.session) done = {};
      for (k in subs) if (!done[k]) sub(k);
      // Unacknowledged QoS 1 messages go again, same ids [MQTT-4.4.0-1].
      for (i = 0; i < box.length; i++) sendPub(box[i]);
      call(c.onConnect, p.session);
    } else if (t == 3) {
      // Acknowledged before delivery, so a throwing handler cannot lose the PUBACK.
      if (p.qos) send(encodePuback(p.id as number));
      call(c.onMessage, p);
    } else if (t == 4) {
      i = find(p.id as number);
      if (i >= 0) box.splice(i, 1);
    } else if (t == 9) {
      k = pend[p.id as number];
      if (k) {
        delete pend[p.id as number];
        if ((p.code as number) < 0x80) done[k] = true;
        call(c.onSubscribed, k, p.code);
      }
    } else if (t == 13) pingBy = 0;
  }

  function connect(more?: Partial<MqttOptions>) {
    var s: Socket, feed: (d: string) => void, lost: () => void;
    fail("closed");
    merge(more);
    feed = createFramer(o.maxPacket || 1024, function (h, b) {
      if (s === sock) onPacket(decode(h, b));
    });
    lost = function () {
      if (s === sock) fail(st > 1 ? "connection lost" : "connect failed");
    };
    st = 1;
    pingBy = 0;
    waitAck();
    tick = setInterval(check, TICK);
    try {
      s = sock = net.connect({ host: o.host, port: o.port }, function () {
        if (s !== sock) return;
        st = 2;
        waitAck();
        send(encodeConnect(o));
      });
    } catch (e) {
      return fail("connect failed");
    }
    s.on("data", function (d: string) {
      try {
        feed(d);
      } catch (e) {
        if (s === sock) fail(typeof e == "string" ? e : "error");
      }
    });
    s.on("close", lost);
    s.on("end", lost);
    s.on("error", lost);
  }

  function subscribe(topic: string, qos: 0 | 1) {
    subs[topic] = qos;
    delete done[topic];
    if (st == 3) sub(topic);
  }

  // False for a topic that is empty or has wildcards, QoS 0 while offline, or a full outbox.
  function publish(topic: string, payload: string, qos: 0 | 1, retain: boolean) {
    if (badTopic(topic)) return false;
    if (!qos) {
      if (st == 3) send(encodePublish(topic, payload, 0, retain, 0));
      return st == 3;
    }
    if (box.length >= (o.outboxSize || 8)) return false;
    var id = nextId(), e = [id, encodePublish(topic, payload, 1, retain, id)];
    box.push(e);
    if (st == 3) sendPub(e);
    return true;
  }

  // DISCONNECT only once CONNECT went out; it makes the broker discard the will [MQTT-3.1.2-10].
  function disconnect() {
    if (st > 1) send(DISCONNECT);
    fail("disconnected");
  }

  function close() {
    fail("closed");
  }

  merge(options);
  var noop = function () {};
  c = {
    onConnect: noop,
    onClose: noop,
    onMessage: noop,
    onSubscribed: noop,
    onError: noop,
    connected: false,
    connect: connect,
    subscribe: subscribe,
    publish: publish,
    disconnect: disconnect,
    close: close
  };
  return c as MqttClient;
}
