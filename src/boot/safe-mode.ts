// Safe mode (Storage file SAFE_FILE, 4 MB boards): what the loader runs after SAFE_AFTER boots in a
// row without a confirmation, whatever their cause. It runs no code of a set but the confirmed
// set's update receiver, and only for an update message: the relay and the wall switch (the board
// profile's pins, the power-on state as stored), the console (normal() leaves safe mode), and the
// update path: Wi-Fi and MQTT with the stored configuration, `safe mode` retained on
// <base>/status, each message on <base>/ota handed to the receiver, which at CONNACK subscribes to
// it itself (its interface: /work/notes/ota-design.md, "Receiver interface"). No Home Assistant
// discovery, no commands on <base>: a node in safe mode is waiting for a good update or for
// someone at its console.
import { Config } from "../config";
import { MqttClient, MqttEvent, MqttMessage } from "../mqtt/api";
import { createClient } from "../mqtt/client";
import { utf8Valid } from "../mqtt/utf8";
import { BoardProfile, Net, Pins, Print, StorageModule, WifiModule } from "../ports";
import { configStore } from "../store/config-store";
import { openRecord, Record } from "../store/record";
import { BOOT_RECORD, BOOT_RECORD_VERSION, BootRecord } from "./boot-record";

export interface SafeDeps {
  pins: Pins;
  board: BoardProfile;
  storage: StorageModule;
  crc: (data: string) => number;
  print: Print;
  wifi: WifiModule;
  net: Net;
  // getSerial(): the default client id derives from it, as in the core.
  serial: string;
  // Espruino's load(): normal() restarts through it.
  restart: () => void;
  // The value of a Storage file's code (the receiver is one function expression), or undefined.
  evaluate: (file: string) => any;
}

// A link attempt (Wi-Fi, then the broker) not through after this long starts again; a lost one is
// tried again this often.
var GIVE_UP_MS = 30000;
var RETRY_MS = 5000;
// The light is saved once it kept its state this long, as in the core (src/light/app.ts).
var SAVE_MS = 3000;

var d: SafeDeps;
var board: BoardProfile;
var cfg: Config | undefined;
// Made only with a valid configuration.
var client: MqttClient | undefined;
// 1/0 (a variable each, where a boolean is two): the light, the switch's last level.
var light: number;
var level: number;
var saving: any;
// The link: 0 idle, 1 joining Wi-Fi or connecting to the broker (since `since`), 2 connected.
var link: number;
var since: number;
var watching: any;

function bootRecord(): Record {
  return openRecord(d.storage, BOOT_RECORD, BOOT_RECORD_VERSION, d.crc, d.print);
}

function lightRecord(): Record {
  return openRecord(d.storage, "light", 1, d.crc, d.print);
}

// The relay shows the light (always on when detached, as in the core); the LED too.
function drive() {
  d.pins.write(board.relay, ((!!cfg && cfg.mode == "detached") || light > 0) != !!board.relayActiveLow);
  if (board.led) d.pins.write(board.led, light != board.ledActiveLow);
}

function onSave() {
  saving = 0;
  if (!lightRecord().write(light)) d.print("light: state not saved");
}

// Before a restart (normal(), an update's switch: Espruino's 'kill' event): a light changed less
// than SAVE_MS ago is saved now, as the core does (the timer dies with the restart), and the link
// is closed, as the core closes its own.
export function stopSafeMode(): void {
  if (saving) {
    clearTimeout(saving);
    onSave();
  }
  if (watching) clearInterval(watching);
  watching = 0;
  if (client) client.disconnect();
}

// The wall switch as in the core: each change of level flips the light; with a push button
// ("button"), only the press.
function onSwitch(e: { state: boolean }) {
  var now = +e.state;
  if (now != level && ((level = now) != +board.buttonPressedLow || !cfg || cfg.mode != "button")) {
    light = 1 - light;
    drive();
    if (saving) clearTimeout(saving);
    saving = (!cfg || cfg.power == "last") && setTimeout(onSave, SAVE_MS);
  }
}

function send(topic: string, payload: string, qos: 0 | 1, retain: boolean) {
  return link > 1 && client!.publish(topic, payload, qos, retain);
}

function subscribe(topic: string, qos: 0 | 1) {
  client!.subscribe(topic, qos);
}

// The confirmed set's receiver, evaluated for each call and dropped: `payload` undefined at
// CONNACK, else an update message. Its failure is said, never fatal: the relay and the switch go on.
function receive(payload?: string) {
  var r: BootRecord = bootRecord().read();
  var file = "ln." + (r && r.set == "b" ? "b" : "a") + ".ota";
  try {
    var run = d.evaluate(file);
    if (run) run(cfg, payload, send, subscribe);
    else d.print("safe mode: " + file + " missing: no updates");
  } catch (e) {
    d.print("safe mode: " + file + " failed: " + e);
  }
}

function onEvent(e: MqttEvent) {
  if (e == MqttEvent.CONNECTED) {
    link = 2;
    d.print("safe mode: connected to the broker");
    send(cfg!.topic + "/status", "safe mode", 1, true);
    receive();
  } else if (e == MqttEvent.CLOSED) link = 0;
}

function onMessage(m: MqttMessage) {
  if (m.topic == cfg!.topic + "/ota") receive(m.payload);
}

function toBroker() {
  var c = cfg!;
  client!.connect({
    host: c.broker,
    port: c.port,
    clientId: c.id,
    username: c.user || undefined,
    password: c.pass || undefined,
    keepalive: c.keepalive,
    clean: true,
    will: { topic: c.topic + "/status", payload: "offline", qos: 1, retain: true }
  });
}

// Every RETRY_MS: an idle link starts (Wi-Fi first, unless joined), a stuck one starts again.
function watchLink() {
  var c = cfg!;
  if (link == 1 && Date.now() - since > GIVE_UP_MS) {
    client!.disconnect();
    link = 0;
  }
  if (link) return;
  link = 1;
  since = Date.now();
  if (d.wifi.getStatus().station == "connected") toBroker();
  else {
    d.wifi.setHostname(c.id);
    d.wifi.connect(c.ssid, { password: c.password }, function (err: string | null) {
      if (err) link = 0;
      else if (link == 1) toBroker();
    });
  }
}

export function startSafeMode(deps: SafeDeps): void {
  d = deps;
  board = d.board;
  cfg = configStore(openRecord(d.storage, "cfg", 1, d.crc, d.print), d.serial, d.print, utf8Valid).load();
  light = !cfg || cfg.power == "last" ? (lightRecord().read() ? 1 : 0) : cfg.power == "on" ? 1 : 0;
  saving = link = watching = 0;
  client = undefined;
  // The level before the pin becomes an output: the relay never blips.
  drive();
  d.pins.mode(board.relay, "output");
  if (board.led) d.pins.mode(board.led, "output");
  d.pins.mode(board.button, board.buttonPressedLow ? "input_pullup" : "input");
  level = +d.pins.read(board.button);
  d.pins.watch(onSwitch, board.button, { repeat: true, edge: "both", debounce: 50 });
  (global as any).normal = function () {
    var rec = bootRecord();
    var r: BootRecord = rec.read() || { set: "a", tried: 0, boots: 0 };
    r.boots = 0;
    rec.write(r);
    d.print("leaving safe mode");
    d.restart();
  };
  d.print("safe mode: relay and wall switch, console, updates; normal() leaves it");
  if (!cfg) return d.print("safe mode: no valid configuration: no network");
  client = createClient(d.net, {});
  client!.onEvent = onEvent;
  client!.onMessage = onMessage;
  watchLink();
  watching = setInterval(watchLink, RETRY_MS);
}
