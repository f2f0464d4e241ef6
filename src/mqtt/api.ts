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

// Why a connection attempt or connection ended (the closed set; src/mqtt/client.ts says when each
// happens). CONNACK return codes past 5 are reserved and come as "refused: N".
export type CloseReason =
  | "refused: protocol version" | "refused: client id" | "refused: unavailable"
  | "refused: bad user name or password" | "refused: not authorized" | `refused: ${number}`
  | "connect failed" | "connack timeout" | "ping timeout" | "packet too large"
  | `malformed: ${"remaining length" | "type" | "flags" | "length" | "qos" | "topic length" | "topic" | "packet id" | "connack" | "suback" | "sequence"}`
  | "connection lost" | "disconnected" | "closed" | "error";

// The connection's events, each with its argument: CONNECTED (sessionPresent) when the CONNACK
// accepted the connection; CLOSED (reason) when the connection attempt or the established
// connection ended, once per connect(), `reason` being one of the short codes documented in
// src/mqtt/client.ts (e.g. "refused: bad user name or password", "connack timeout", "ping
// timeout", "packet too large", "malformed: flags", "connection lost", "connect failed",
// "disconnected", "closed"); DRAINED when a PUBACK emptied the outbox (every QoS 1 message sent so
// far is acknowledged); DROPPED (topic, size in bytes) when a PUBLISH over maxPacket was dropped.
// Their numbers are the connection runner's inputs of the same meaning (In, src/conn/types.ts), so
// that its entry function is the callback itself: one function, where a callback per event cost
// about 5 variables each on the board.
export const enum MqttEvent { CONNECTED = 9, DRAINED = 16, CLOSED = 17, DROPPED = 20 }

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
