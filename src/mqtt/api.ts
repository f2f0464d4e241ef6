// The contract between the MQTT client (src/mqtt/) and its users (connectivity runner, light app).
// One client object lives for the whole run; connect() is called once per connection attempt, so the
// outbox of unacknowledged QoS 1 messages and the subscription list survive reconnects.

export interface Will {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

export interface MqttOptions {
  host: string;
  port: number;
  clientId: string;
  username?: string;
  password?: string;
  // Seconds; 0 disables keepalive.
  keepalive: number;
  clean: boolean;
  will?: Will;
  // Largest incoming packet accepted, in bytes (default 1024): a bigger PUBLISH is dropped
  // (acknowledged, not delivered: DROPPED), any other bigger packet closes the link.
  maxPacket?: number;
  // How long to wait for CONNACK after the TCP connection opens, in ms (default 10000; 0: no limit).
  connackTimeout?: number;
  // How many QoS 1 messages may wait for PUBACK at once (default 8).
  outboxSize?: number;
}

export interface MqttMessage {
  topic: string;
  // Bytes as an 8-bit string, passed through untouched.
  payload: string;
  qos: number;
  retain: boolean;
  dup: boolean;
}

// Why a connection attempt or connection ended (the closed set, described only here):
//   "refused: ..."     CONNACK return codes 1-5 (the spec's names shortened), or "refused: N" for a
//                      reserved return code N
//   "connect failed"   the TCP connection never opened (or net.connect threw)
//   "connack timeout"  no CONNACK within connackTimeout of the TCP connection opening
//   "ping timeout"     no PINGRESP within keepalive/2 of a PINGREQ
//   "packet too large" an incoming fixed header announced more than maxPacket bytes (checked from
//                      its first length byte on, so before the body is buffered), for any packet
//                      but a PUBLISH (which is dropped: DROPPED), or a PUBLISH whose topic and
//                      packet id alone are over it
//   "malformed: X"     the broker broke the protocol (Malformed says what X is)
//   "connection lost"  the socket closed or failed after opening
//   "disconnected"     disconnect() was called
//   "closed"           connect() was called while a connection was up
//   "error"            an unexpected exception inside the client (a bug)
export type CloseReason =
  | "refused: protocol version"
  | "refused: client id"
  | "refused: unavailable"
  | "refused: bad user name or password"
  | "refused: not authorized"
  | `refused: ${number}`
  | "connect failed"
  | "connack timeout"
  | "ping timeout"
  | "packet too large"
  | `malformed: ${Malformed}`
  | "connection lost"
  | "disconnected"
  | "closed"
  | "error";

// What a broker's packet broke: remaining length (5th byte), type (not broker-to-client, or QoS 2
// flow), flags, length (fields do not fit the remaining length), qos, topic length (past the packet
// end), topic (empty, wildcard or ill-formed UTF-8), packet id (zero), connack (reserved bits,
// session with a refusal), suback (bad return code), sequence (CONNACK not first, or twice).
export type Malformed =
  | "remaining length"
  | "type"
  | "flags"
  | "length"
  | "qos"
  | "topic length"
  | "topic"
  | "packet id"
  | "connack"
  | "suback"
  | "sequence";

// The connection's events, each with its argument: CONNECTED (sessionPresent) when the CONNACK
// accepted the connection; CLOSED (a CloseReason) when the connection attempt or the established
// connection ended, once per connect(); DRAINED when a PUBACK emptied the outbox (every QoS 1
// message sent so far is acknowledged); DROPPED (topic, size in bytes) when a PUBLISH over
// maxPacket was dropped; TICK (no argument) every 500 ms while connected, on 4 MB boards only (the
// app's telemetry counts them: a timer of its own would cost about 8 variables). Their numbers are
// the connection runner's inputs of the same meaning (In, src/conn/types.ts: CONNECTED is also its
// machine event MQTT_UP), so that its entry function is the callback itself: one function, where a
// callback per event cost about 5 variables each on the board. test/conn/types.test.ts holds them
// equal.
export const enum MqttEvent {
  CONNECTED = 9,
  DRAINED = 16,
  CLOSED = 17,
  DROPPED = 20,
  TICK = 21
}

export interface MqttClient {
  // The callbacks may be left unset. Exceptions they throw are swallowed, so they can never
  // break the socket callback, lose a PUBACK or stop the packets after theirs.
  // arg: sessionPresent (CONNECTED), the reason (CLOSED), nothing (DRAINED), the topic (DROPPED,
  // with the size as size).
  onEvent: (event: MqttEvent, arg?: boolean | CloseReason | string, size?: number) => void;
  onMessage: (message: MqttMessage) => void;
  // SUBACK arrived for a topic: granted QoS, or 0x80 on failure.
  onSubscribed: (topic: string, grantedQos: number) => void;
  // Opens a TCP connection and sends CONNECT; later options override the constructor's.
  connect(options?: Partial<MqttOptions>): void;
  // Remembered, and re-sent after every reconnect where the broker reports no session.
  subscribe(topic: string, qos: 0 | 1): void;
  // QoS 0 is dropped while disconnected; QoS 1 waits in the bounded outbox until PUBACK.
  // Returns false when the message could not be queued or sent.
  publish(topic: string, payload: string, qos: 0 | 1, retain: boolean): boolean;
  // Sends DISCONNECT (so the broker does not send the will) if CONNECT went out, then closes.
  // Safe to call twice; clears every timer.
  disconnect(): void;
}
