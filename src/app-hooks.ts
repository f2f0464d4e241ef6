// The contract between the connectivity layer (src/conn/: state machine, Wi-Fi, MQTT session
// lifecycle) and the application riding on it (src/light/). The runner calls these; the app never
// drives connectivity itself.
import { Config } from "./config";
import { MqttClient, MqttMessage, Will } from "./mqtt/api";

// Offline: being configured. Disconnected: joining Wi-Fi. LookingForBroker: on Wi-Fi, connecting
// to the broker. Active: CONNACK accepted, exchanging messages.
export type NodeState = "Offline" | "Disconnected" | "LookingForBroker" | "Active";

// What the connection tells the application, with each event's argument:
//   STATE (NodeState): every state change, after it happened (the LED follows this);
//   WILL (Config): returns the Will (src/mqtt/api.ts) to register in CONNECT for this
//     configuration (e.g. "<topic>/status" = "offline");
//   ACTIVE (MqttClient): CONNACK accepted: subscribe and announce, with the configuration CONFIG
//     last gave; told after STATE "Active", once the runner's code has finished with the input
//     that got there; the client stays valid until STATE leaves Active;
//   LEAVE (Config | undefined): the node is about to leave the broker on purpose (offline(),
//     forget(), new settings of the links) and go on with this configuration (undefined:
//     forgotten; CONFIG follows a new one): say so while the link is up, and clear what it leaves
//     behind; the runner disconnects once the broker acknowledged (or after a bound);
//   CONFIG (Config): the stored configuration changed (also at boot with the stored one, if valid);
//   STOP: the interpreter is about to restart (load(), an update's switch): keep now what would
//     only be kept later (the timers die with it);
//   TICK: every 500 ms while the MQTT client is connected (the client's clock), on 4 MB boards only:
//     the telemetry's clock.
export const enum AppEvent {
  STATE,
  WILL,
  ACTIVE,
  LEAVE,
  CONFIG,
  STOP,
  TICK
}

// The events come through one function, messages through another (the client calls it directly):
// on Espruino each function costs about 6 variables, and these events come a few times a day. One
// signature per event, so that each call is checked against the argument its event takes.
export interface AppHooks {
  event(e: AppEvent.STATE, state: NodeState): void;
  event(e: AppEvent.WILL, config: Config): Will;
  event(e: AppEvent.ACTIVE, client: MqttClient): void;
  event(e: AppEvent.LEAVE, next: Config | undefined): void;
  event(e: AppEvent.CONFIG, config: Config): void;
  event(e: AppEvent.STOP): void;
  event(e: AppEvent.TICK): void;
  onMessage(message: MqttMessage): void;
}
