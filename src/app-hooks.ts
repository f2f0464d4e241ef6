// The contract between the connectivity layer (src/conn/: state machine, Wi-Fi, MQTT session
// lifecycle) and the application riding on it (src/light/). The runner calls these; the app never
// drives connectivity itself.
import { Config } from "./config";
import { MqttClient, MqttMessage, Will } from "./mqtt/api";

// Offline: being configured. Disconnected: joining Wi-Fi. LookingForBroker: on Wi-Fi, connecting
// to the broker. Active: CONNACK accepted, exchanging messages.
export type NodeState = "Offline" | "Disconnected" | "LookingForBroker" | "Active";

export interface AppHooks {
  // Every state change, after it happened (the LED follows this).
  onState(state: NodeState): void;
  // The will to register in CONNECT for this configuration (e.g. "<topic>/status" = "offline").
  will(config: Config): Will | undefined;
  // CONNACK accepted: subscribe and announce, with the configuration onConfig last gave. The
  // client stays valid until onState leaves Active.
  onActive(client: MqttClient): void;
  onMessage(message: MqttMessage): void;
  // The node is about to leave the broker on purpose (offline(), or forget() when `forget`): say
  // so while the link is up; the runner disconnects once the broker acknowledged (or after a bound).
  onLeave(forget: boolean): void;
  // The stored configuration changed (also called once at boot with the stored one, if valid).
  onConfig(config: Config): void;
}
