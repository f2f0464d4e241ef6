// Shared by the light's unit tests: a full Config, the default board profile, the board's pins with
// the wall switch, and a recording MQTT client (Espruino's timers are test/support/espruino-timers.ts).
import { AppEvent, AppHooks, NodeState } from "../../src/app-hooks";
import { Config } from "../../src/config";
import { MqttClient, Will } from "../../src/mqtt/api";
import { boardPins } from "../support/ports";

export const BOARD = {
  relay: "D12",
  relayActiveLow: false,
  button: "D0",
  buttonPressedLow: true,
  led: "D13" as string | null,
  ledActiveLow: true
};

export function config(over: Partial<Config> = {}): Config {
  return {
    ssid: "ap",
    password: "",
    broker: "127.0.0.1",
    port: 1883,
    id: "node1",
    user: "",
    pass: "",
    topic: "living_room_lights",
    keepalive: 30,
    telnet: false,
    mode: "toggle",
    power: "last",
    retained: false,
    discovery: true,
    ...over
  };
}

// The light as the relay shows it (BOARD's relay is active high). Not for detached mode, where the
// relay stays energised.
export const relayOn = (sw: { wire: { level(pin: string): boolean } }) =>
  sw.wire.level(BOARD.relay) != BOARD.relayActiveLow;
// The light as the status LED shows it while it is not blinking (before any state, or Active).
export const ledOn = (sw: { wire: { level(pin: string): boolean } }) => sw.wire.level(BOARD.led!) != BOARD.ledActiveLow;

// The wall switch's debounce (the app's setWatch option).
export const DEBOUNCE_MS = 50;

export type WallSwitch = ReturnType<typeof wallSwitch>;

// The simulated board's pins (boardPins), the wall switch's input held high. set() and flip() move
// the switch and tick `clock` past the debounce, as the app hears it.
export function wallSwitch(clock: any) {
  const board = boardPins(clock, { D0: true });
  const set = (level: boolean) => {
    board.wire.set("D0", level);
    clock.tick(DEBOUNCE_MS);
  };
  return { ...board, set, flip: () => set(!board.wire.level("D0")) };
}

// The MqttClient contract as the app uses it, recording "<topic> <payload> q<qos>[ r]" (config and
// info payloads shortened to "{...}"; the last payload per topic is kept whole in `last`).
export class RecordingClient {
  connected = true;
  accept = true;
  sent: string[] = [];
  subs: string[] = [];
  last: { [topic: string]: string } = {};
  onEvent = () => {};
  onMessage = () => {};
  onSubscribed = () => {};
  connect() {}
  disconnect() {}
  subscribe(topic: string, qos: number) {
    this.subs.push(`${topic} ${qos}`);
  }
  publish(topic: string, payload: string, qos: number, retain: boolean) {
    if (!this.connected || !this.accept) return false;
    this.last[topic] = payload;
    this.sent.push(
      `${topic} ${topic.endsWith("/config") || topic.endsWith("/info") ? "{...}" : payload} q${qos}${retain ? " r" : ""}`
    );
    return true;
  }
  take() {
    const s = this.sent;
    this.sent = [];
    return s;
  }
}

export const msg = (topic: string, payload: string, retain = false) => ({ topic, payload, qos: 1, retain, dup: false });

// The app's hooks by name: the connection's events (AppHooks.event) as a test reads them.
export function byName(app: AppHooks) {
  return {
    onState: (state: NodeState) => app.event(AppEvent.STATE, state),
    will: (c: Config) => app.event(AppEvent.WILL, c) as Will,
    onActive: (client: MqttClient) => app.event(AppEvent.ACTIVE, client),
    onLeave: (next: Config | undefined) => app.event(AppEvent.LEAVE, next),
    onConfig: (c: Config) => app.event(AppEvent.CONFIG, c),
    onMessage: app.onMessage
  };
}
