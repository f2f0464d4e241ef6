// Shared by the light's unit tests: a full Config, the default board profile and a recording MQTT
// client (Espruino's timers are test/support/espruino-timers.ts).
import { Config } from "../../src/config";

export const BOARD = { relay: "D12", relayActiveLow: false, button: "D0", buttonPressedLow: true, led: "D13" as string | null, ledActiveLow: true };

export function config(over: Partial<Config> = {}): Config {
  return {
    ssid: "ap", password: "", broker: "127.0.0.1", port: 1883, id: "node1", user: "", pass: "",
    topic: "living_room_lights", keepalive: 30, telnet: false, mode: "toggle", power: "last",
    retained: false, discovery: true, ...over
  };
}

// The MqttClient contract as the app uses it, recording "<topic> <payload> q<qos>[ r]" (config and
// info payloads shortened to "{...}"; the last payload per topic is kept whole in `last`).
export class RecordingClient {
  connected = true;
  accept = true;
  sent: string[] = [];
  subs: string[] = [];
  last: { [topic: string]: string } = {};
  onConnect = () => {};
  onClose = () => {};
  onMessage = () => {};
  onSubscribed = () => {};
  connect() {}
  disconnect() {}
  close() {}
  subscribe(topic: string, qos: number) {
    this.subs.push(`${topic} ${qos}`);
  }
  publish(topic: string, payload: string, qos: number, retain: boolean) {
    if (!this.connected || !this.accept) return false;
    this.last[topic] = payload;
    this.sent.push(`${topic} ${topic.endsWith("/config") || topic.endsWith("/info") ? "{...}" : payload} q${qos}${retain ? " r" : ""}`);
    return true;
  }
  take() {
    const s = this.sent;
    this.sent = [];
    return s;
  }
}

export const msg = (topic: string, payload: string, retain = false) => ({ topic, payload, qos: 1, retain, dup: false });
