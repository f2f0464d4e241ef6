// The living-room light: local control first (the wall switch drives the relay in every state,
// with no network at all), MQTT when Active. Connectivity calls the AppHooks; the app never drives
// connectivity. Published on change, and again (latest only) on every onActive:
//   <base>        "on"/"off" after a wall-switch flip (the phone app's original contract)
//   <base>/state  the light after every change, retained
// In detached mode the relay stays energised (it feeds a smart bulb that listens on <base>) and
// the light state is only published.
import { AppHooks, NodeState } from "../app-hooks";
import { Config, PowerOn, SwitchMode } from "../config";
import { MqttClient, MqttMessage } from "../mqtt/api";
import { BoardProfile, Pins, Print, StorageModule } from "../ports";
import { openRecord } from "../store/record";
import { createEcho } from "./echo";
import { createLed } from "./led";
import { createPowerState } from "./power-state";
import { createRelay } from "./relay";
import { watchSwitch } from "./switch";
import * as T from "./topics";

// A publish the client could not take (outbox full) is retried after this long.
var RETRY_MS = 1000;

export interface LightDeps {
  pins: Pins;
  board: BoardProfile;
  storage: StorageModule;
  crc: (data: string) => number;
  print: Print;
  version: string;
  // Diagnostics published retained on <base>/info at connect: version, reset reason, IP, RSSI...
  info: () => any;
  // The stored configuration at boot, if valid: the power-on state must be known before the relay
  // pin is driven. Without one, the light starts as last saved.
  config?: Config;
}

export interface LightApp extends AppHooks {
  readonly on: boolean;
}

interface LightConfig {
  topic: string;
  mode: SwitchMode;
  power: PowerOn;
  retained: boolean;
  discovery: boolean;
  id?: string;
}

var DEFAULTS: LightConfig = { topic: "living_room_lights", mode: "toggle", power: "last", retained: false, discovery: true };

export function createLightApp(deps: LightDeps): LightApp {
  var cfg: LightConfig = deps.config || DEFAULTS;
  var print = deps.print;
  var power = createPowerState(openRecord(deps.storage, "light", 1, deps.crc, print), print);
  var echo = createEcho();
  var board = deps.board;
  var light = power.initial(cfg.power);
  var relay = createRelay(deps.pins, board.relay, board.relayActiveLow, cfg.mode == "detached" || light);
  var led = board.led ? createLed(deps.pins, board.led, board.ledActiveLow) : null;
  var mqtt: MqttClient | undefined;
  // The outbox: the latest flip not yet published on <base>, and whether <base>/state is stale.
  var flip: string | undefined;
  var stale = false;
  var retry: any;

  function send(topic: string, payload: string, qos: 0 | 1, retain: boolean) {
    return !!mqtt && mqtt.connected && mqtt.publish(topic, payload, qos, retain);
  }

  // Publishes what the outbox holds; whatever the client cannot take now is retried shortly, and
  // while not Active it waits for onActive. (On Espruino clearTimeout(undefined) clears every timer,
  // and clearing a fired one throws: hence the guard.)
  function flush() {
    if (retry) clearTimeout(retry);
    retry = 0;
    if (flip && send(cfg.topic, flip, 1, false)) {
      echo.sent(flip);
      flip = undefined;
    }
    if (stale && send(T.stateTopic(cfg.topic), light ? T.ON : T.OFF, 1, true)) stale = false;
    if ((flip || stale) && mqtt)
      retry = setTimeout(function () {
        retry = 0;
        flush();
      }, RETRY_MS);
  }

  function set(next: boolean, fromSwitch: boolean) {
    if (next !== light) {
      light = next;
      relay.set(cfg.mode == "detached" || light);
      if (led) led.light(light);
      power.changed(light, cfg.power);
    }
    if (fromSwitch) flip = light ? T.ON : T.OFF;
    stale = true;
    flush();
  }

  function announce() {
    if (cfg.discovery && cfg.id) send(T.discoveryTopic(cfg.id), T.discovery(cfg.topic, cfg.id, deps.version), 1, true);
  }

  if (led) led.light(light);
  watchSwitch(deps.pins, board.button, board.buttonPressedLow, function () {
    return cfg.mode;
  }, function () {
    set(!light, true);
  });

  var app: LightApp = {
    get on() {
      return light;
    },
    onState: function (state: NodeState) {
      if (state != "Active") mqtt = undefined;
      if (led) led.state(state);
    },
    will: function (config: Config) {
      return { topic: T.statusTopic(config.topic), payload: "offline", qos: 1, retain: true };
    },
    onActive: function (client: MqttClient, _sessionPresent: boolean, config: Config) {
      app.onConfig(config);
      mqtt = client;
      echo.refresh();
      client.subscribe(cfg.topic, 1);
      if (cfg.discovery) client.subscribe(T.HA_STATUS, 1);
      send(T.statusTopic(cfg.topic), T.ONLINE, 1, true);
      send(T.infoTopic(cfg.topic), JSON.stringify(deps.info()), 0, true);
      announce();
      stale = true;
      flush();
    },
    onMessage: function (m: MqttMessage) {
      if (m.topic == T.HA_STATUS) {
        if (m.payload == T.ONLINE) announce();
        return;
      }
      if (m.topic != cfg.topic || (m.retain && !cfg.retained) || echo.isEcho(m.payload)) return;
      var command = T.parseCommand(m.payload);
      if (command < 0) print("light: ignored " + JSON.stringify(m.payload.slice(0, 20)));
      else set(command == 2 ? !light : command == 1, false);
    },
    onConfig: function (config: Config) {
      cfg = config;
      relay.set(cfg.mode == "detached" || light);
    }
  };
  return app;
}
