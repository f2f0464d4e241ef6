// The connection's vocabulary: the machine's states and events, what the connection's code is run
// for (inputs), and the state it keeps between runs. That code (the runner and the Wi-Fi link)
// lives in a Storage file of its own, NET_FILE: the firmware loads it for each input and drops it
// once handled, and keeps only this state and one entry function (src/conn/net.ts), so about 22
// functions cost no RAM between state changes.
import { AppHooks, NodeState } from "../app-hooks";
import { Config } from "../config";
import { MqttClient, MqttEvent } from "../mqtt/api";
import { Print, WifiModule } from "../ports";

// The machine's states. Offline comes in three: OFFLINE (no valid configuration yet: one leaves it),
// HELD (the user said offline(): the node waits for connect()) and HELD_EMPTY (held, and without a
// configuration). The others always have a configuration. stateName() (runner.ts) gives each
// its NodeState.
export const enum St {
  OFFLINE,
  DISCONNECTED,
  LOOKING,
  ACTIVE,
  HELD_EMPTY,
  HELD
}

// CFG: a valid config appeared (boot, or first config); WIFI_CFG / MQTT_CFG: Wi-Fi or broker
// settings changed; FORGET: config erased; OFFLINE / CONNECT: the console commands; WATCHDOG: no
// Active for too long; TIMER: the retry delay ran out; WIFI_UP: joined with an IP; MQTT_UP:
// CONNACK accepted; FAIL: the attempt under way failed (retry soon), SLOW: it failed for wrong
// credentials (retry slowly); WIFI_LOST / MQTT_LOST: an established link dropped (keep them last:
// the runner counts events from WIFI_LOST on as drops).
export const enum Ev {
  CFG,
  WIFI_CFG,
  MQTT_CFG,
  FORGET,
  OFFLINE,
  CONNECT,
  WATCHDOG,
  TIMER,
  WIFI_UP,
  MQTT_UP,
  FAIL,
  SLOW,
  WIFI_LOST,
  MQTT_LOST
}

// The events that wait while the node says goodbye to the broker (runner.ts, leave()).
export type LeavingEvent = Ev.OFFLINE | Ev.FORGET | Ev.WIFI_CFG | Ev.MQTT_CFG;
// What NetState.leaving holds when no goodbye is under way: a type of its own, so that no event
// (CFG is 0 too) can be taken for it. 0 reads as false, and no LeavingEvent is 0.
export const enum Leaving {
  NONE = 0
}
// The events of an established link dropping (runner.ts, fail()); neither is 0.
export type LostEvent = Ev.WIFI_LOST | Ev.MQTT_LOST;

// START (a): boot with the stored configuration a, if any; CONFIG (a): the stored configuration
// changed (undefined: forgotten); OFFLINE / CONNECT: the console commands; TIMER / WATCHDOG /
// LEFT: the retry delay, the watchdog, the goodbye's bound ran out (LEFT also: the broker
// acknowledged everything); MQTT_UP (a: session present) / MQTT_CLOSE (a: reason): the client's
// events; JOINED (a: generation, b: error or null): a join attempt ended; WIFI_GONE (a: reason):
// the Wifi module said "disconnected"; DROPPED (a: topic, b: size): the client dropped a message
// over its limit; TICK: the client's clock, while connected (4 MB boards: net.ts hands it to the
// app at once, without the runner's code). The inputs that are machine events carry the event's
// number; the MQTT client's events are inputs by their own number (MqttEvent: net.ts hands the client `input` as its
// callback), so MqttEvent.CONNECTED is the machine's MQTT_UP; the rest are numbered past Ev.
// test/conn/types.test.ts holds them equal and every input distinct.
export const enum In {
  OFFLINE = Ev.OFFLINE,
  CONNECT = Ev.CONNECT,
  WATCHDOG = Ev.WATCHDOG,
  TIMER = Ev.TIMER,
  MQTT_UP = MqttEvent.CONNECTED,
  START = Ev.MQTT_LOST + 1,
  CONFIG,
  LEFT = MqttEvent.DRAINED,
  MQTT_CLOSE = MqttEvent.CLOSED,
  // Numbered in full: the tests' compiler (esbuild) cannot count on from another file's constant.
  JOINED = MqttEvent.CLOSED + 1,
  WIFI_GONE = MqttEvent.CLOSED + 2,
  DROPPED = MqttEvent.DROPPED,
  TICK = MqttEvent.TICK
}

// The runner's code: handles one input (timers and callbacks call `input`, which loads it).
export type Step = (conn: NetState, input: In, a?: any, b?: any) => void;

export interface NetState {
  // Lent by the firmware. The hooks are plain functions (no `this`).
  wifi: WifiModule;
  mqtt: MqttClient;
  hooks: AppHooks;
  print: Print;
  // The firmware's entry: loads the runner's code, or, while it runs, hands it the input at once.
  input: (input: In, a?: any, b?: any) => void;
  // The runner's code while it runs.
  run?: Step | 0;
  // The machine's state, and its name as last said.
  machine: St;
  nodeState: NodeState;
  cfg?: Config;
  // 1 while an MQTT connection of ours is under way or up (else closes are ours, ignored): the
  // client reports CLOSED synchronously inside disconnect(), so mqttOn is cleared before calling it.
  // 1/0, not a boolean: on Espruino a property holding an integer is one variable, a boolean two.
  mqttOn?: 0 | 1;
  // Failed attempts since the last success: the next backoff delay's number.
  tries: number;
  // Timer ids, unset or cleared (undefined) when not pending: Espruino throws on
  // clearTimeout(undefined).
  retryTimer?: any;
  watchdogTimer?: any;
  // The event (OFFLINE, FORGET, or WIFI_CFG / MQTT_CFG for new settings of the links) waiting while
  // the node says goodbye to the broker (unset or NONE: no goodbye under way), and its bound.
  leaving?: LeavingEvent | Leaving.NONE;
  leaveTimer?: any;
  // Links dropped since boot, and the last failure since the node was last Active, as text (never
  // holds a password).
  drops: number;
  lastError: string;
  // 4 MB boards: the last failure, kept past Active, and when it happened (Date.now()): the
  // telemetry's (src/main.ts, info()). Unset until the first one.
  fault?: string;
  faultAt?: number;
  // The Wi-Fi link: every stop starts a new generation (callbacks of older attempts are ignored),
  // the link counts as up only while `upGeneration` is the current one; the join timeout's id.
  generation: number;
  upGeneration?: number;
  joinTimer?: any;
  // 1 when the runner reached Active: the entry tells the app (AppEvent.ACTIVE) once the runner's
  // code is released.
  arrived?: 0 | 1;
}
