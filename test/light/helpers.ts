// Shared by the light's unit tests: a full Config, the default board profile, a recording MQTT
// client and Espruino-like timers.
import { Config } from "../../src/config";

export const BOARD = { relay: "D12", relayActiveLow: false, button: "D0", buttonPressedLow: true, led: "D13" as string | null, ledActiveLow: true };

export function config(over: Partial<Config> = {}): Config {
  return {
    ssid: "ap", password: "", broker: "127.0.0.1", port: 1883, id: "node1", user: "", pass: "",
    topic: "living_room_lights", keepalive: 30, telnet: false, mode: "toggle", power: "last",
    retained: false, discovery: true, ...over
  };
}

// Sinon fake timers with Espruino's clear semantics: clearTimeout/clearInterval of undefined
// (which clears EVERY timer on the board) or of an id that is not pending throws, as on the board.
export function espruinoTimers(sinon: any, now = 0) {
  const clock = sinon.useFakeTimers(now);
  const pending = new Set<any>();
  const st = globalThis.setTimeout, si = globalThis.setInterval, ct = globalThis.clearTimeout, ci = globalThis.clearInterval;
  (globalThis as any).setTimeout = (fn: (...args: any[]) => void, ms: number, ...args: any[]) => {
    const id: any = st(() => {
      pending.delete(id);
      fn(...args);
    }, ms);
    pending.add(id);
    return id;
  };
  (globalThis as any).setInterval = (fn: (...args: any[]) => void, ms: number, ...args: any[]) => {
    const id = si(fn, ms, ...args);
    pending.add(id);
    return id;
  };
  const clear = (orig: any, kind: string) => (id: any) => {
    if (!pending.has(id)) throw new Error(`Unknown ${kind} (${id})`);
    pending.delete(id);
    orig(id);
  };
  (globalThis as any).clearTimeout = clear(ct, "Timeout");
  (globalThis as any).clearInterval = clear(ci, "Interval");
  const restore = clock.restore.bind(clock);
  clock.restore = () => {
    Object.assign(globalThis, { setTimeout: st, setInterval: si, clearTimeout: ct, clearInterval: ci });
    restore();
  };
  return clock;
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
