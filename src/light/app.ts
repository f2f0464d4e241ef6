// The living-room light: local control first (the wall switch drives the relay in every state,
// with no network at all), MQTT when Active. Connectivity calls the AppHooks; the app never drives
// connectivity. The node's MQTT contract, under the base topic <base>:
//   <base>         commands in (QoS 1); "on"/"off" out after each wall-switch flip (QoS 1)
//   <base>/state   the light after every change, QoS 1, retained
//   <base>/status  "online" at connect, "offline" as the will, both retained
//   <base>/info    diagnostics JSON at connect, retained
//   homeassistant/light/<id>/config   Home Assistant discovery, retained, again when
//                  homeassistant/status says "online"
// On 4 MB boards only (SET_LETTER: "" on 1 MB ones, where the minifier drops that code), issue 21:
//   <base>/action  the wall switch's gestures with `gestures` on (button and detached modes):
//                  "single", "double", "hold", QoS 0, not retained (src/gesture/)
//   <base>/info    again every `tele` seconds (telemetry), counted on the client's TICK
//   Home Assistant: RSSI and uptime as diagnostic sensors of the device, the gestures as its
//                  device triggers
// Flips and state go through a latest-only outbox, published again on every ACTIVE event. In
// detached mode the relay stays energised (it feeds a smart bulb that listens on <base>) and the
// light state is only published. The pins: the relay, the optional status LED, the wall switch.
import { AppEvent, AppHooks } from "../app-hooks";
import { Config, GESTURE_FILE, SET_LETTER } from "../config";
import { Held } from "../gesture/entry";
import { Edge } from "../gesture/gesture";
import { MqttClient, MqttMessage, Will } from "../mqtt/api";
import { utf8Json } from "../mqtt/utf8";
import { BoardProfile, Pins, Print, StorageModule } from "../ports";
import { openRecord, Record } from "../store/record";
import { later } from "../ota/later";

// Command payloads, matched after trimming and lower-casing: an index's low bit is the light it
// asks for (so /*@__NOINLINE__*/ cmds()[+light] is what the node publishes), 6 is toggle. An array, not an object: on
// Espruino every object inherits `on` and `emit`.
// A function, not a table at module level: its code stays in flash, an array would stay in RAM.
// Called, not inlined (NOINLINE): four copies of the table cost 115 bytes of flash.
function cmds(): string[] {
  return "off on 0 1 false true toggle".split(" ");
}
// Short strings are written where used: a string at module level costs 2 variables.
var HA = "homeassistant/";
// A publish the client could not take (outbox full) is retried after this long.
var RETRY_MS = 1000;
// The light is saved to flash once it has kept its state this long: a child flipping the switch
// for a minute costs one flash write, not hundreds.
var SAVE_MS = 3000;
// How long after the last own publication its echo is still expected (see onMessage).
var ECHO_MS = 5000;
// 4 MB boards: Home Assistant's configs announced after the light's (announce()).
var EXTRAS = 6;

export interface LightDeps {
  pins: Pins;
  board: BoardProfile;
  storage: StorageModule;
  crc: (data: string) => number;
  print: Print;
  // Diagnostics published retained on <base>/info at connect: the firmware's version (also for Home
  // Assistant's discovery), reset reason, IP, RSSI...
  info: () => any;
  // The stored configuration at boot, if valid, read once when the app starts: the power-on state
  // must be known before the relay pin is driven. Without one, the light starts as last saved.
  config?: Config;
}

export type LightApp = AppHooks;

// One light per firmware: its state lives at module level and createLightApp() starts it afresh
// (on Espruino a nested function costs about 3 variables more than one at module level).
// Timer ids are guarded: Espruino throws on clearTimeout(undefined).
var deps: LightDeps;
var cfg: Config;
var pins: Pins;
var board: BoardProfile;
// On/off as 1/0, also in flash: on Espruino a variable holding a small integer is one variable, a
// boolean two (and whether booleans share one depends on the history: usage would drift).
type Bit = 0 | 1;
var saved: Bit;
var light: Bit;
var lit: Bit;
// The switch's last level: 1/0 or a boolean, compared loosely.
var level: Bit;
var blink: any;
var mqtt: MqttClient | 0;
// The outbox: the cmds() index of the latest flip not yet published on <base> (or -1), and
// whether <base>/state is stale.
var flip: number;
var stale: Bit;
// Own flips published per payload (echo[0] "off", echo[1] "on") on this connection, whose echoes
// are still due, until `until`.
var echo: number[];
var until: number;
var retry: any;
var saving: any;
// 4 MB boards: the gesture under way (src/gesture/entry.ts; 0: none), and the client's ticks since
// <base>/info was last published (below 0: discovery's extras still to send, announce()); a `tele`
// over 511 s makes the count pass 1,023, a variable more while it does.
var gest: Held;
var ticks: number;

// The client is only held while Active (the contract keeps it valid until then).
function send(topic: string, payload: string, qos: 0 | 1, retain: boolean) {
  return mqtt && mqtt.publish(topic, payload, qos, retain);
}

// The status LED, on boards that have one; `lit` is kept for the blink: the blink's interval calls
// this with no argument, and it inverts (one function less than a blink of its own: about 5
// variables, paid for issue 21's telemetry and gestures).
function show(on?: Bit | boolean) {
  if (board.led) pins.write(board.led, (lit = +(on == null ? !lit : on) as Bit) != board.ledActiveLow);
}

// The relay shows the light (always on when detached); the LED too, unless it is blinking.
function drive() {
  pins.write(board.relay, (cfg.mode == "detached" || light) != board.relayActiveLow);
  if (!blink) show(light);
}

// Publishes what the outbox holds; whatever the client cannot take now is retried shortly (the
// retry timer calls flush(true)), and while not Active it waits for the ACTIVE event.
function flush(retried?: boolean) {
  if (retried) retry = 0;
  if (flip >= 0 && send(cfg.topic, /*@__NOINLINE__*/ cmds()[flip], 1, false)) {
    echo[flip]++;
    until = Date.now() + ECHO_MS;
    flip = -1;
  }
  if (stale && send(cfg.topic + "/state", /*@__NOINLINE__*/ cmds()[light], 1, true)) stale = 0;
  if ((flip >= 0 || stale) && mqtt && !retry) retry = setTimeout(flush, RETRY_MS, true);
}

// The light's record is opened when used, not held: an open record (three closures) costs more
// RAM than the light it keeps.
function record(): Record {
  return openRecord(deps.storage, "light", 1, deps.crc, deps.print);
}

// With power-on "last", the light is saved once stable, and only when it differs from flash: a
// flip back to the saved state writes nothing.
function set(next: Bit | boolean) {
  if (next != light) {
    light = +next as Bit;
    drive();
    if (saving) clearTimeout(saving);
    saving = cfg.power == "last" && setTimeout(event, SAVE_MS, AppEvent.STOP);
  }
  stale = 1;
  flush();
}

// Home Assistant's MQTT light (default schema) in its documented abbreviations. State payloads
// equal the command ones, so no value template is needed; availability uses Home Assistant's
// default payloads, "online" and "offline"; QoS 1 as the node's own. Published at QoS 0: it goes
// again at every connect and whenever Home Assistant starts, so a lost one heals itself, while at
// QoS 1 its 300 bytes would wait in the outbox for the PUBACK, a copy more after every reconnect
// of a flapping link. With `remove` (1), the entity is removed instead: an empty retained config,
// at QoS 1, as the node is about to leave.
// 4 MB boards also announce EXTRAS more configs (`extra`: one of them alone, see below).
function announce(remove?: 0 | 1, extra?: number) {
  var t = cfg.topic;
  var id = cfg.id;
  if (cfg.discovery && !(SET_LETTER && extra != null))
    send(
      HA + "light/" + id + "/config",
      remove
        ? ""
        : utf8Json({
            name: null,
            uniq_id: id,
            cmd_t: t,
            stat_t: t + "/state",
            avty_t: t + "/status",
            pl_on: "on",
            pl_off: "off",
            qos: 1,
            dev: { ids: [id], name: t, sw: deps.info().version }
          }),
      remove || 0,
      true
    );
  // 4 MB boards: RSSI and uptime, read from <base>/info, as diagnostic sensors of the same device,
  // the firmware as its update entity, and the gestures as its device triggers (only while they are on: else their configs are
  // cleared, so that a node that had them leaves none behind). Home Assistant's abbreviations as
  // above. They go one per tick of the client (500 ms) after the light's, through `ticks` (from
  // -EXTRAS, event()): Espruino's socket holds what is written until it is sent, and five 250-byte
  // configs written at once beside the connect's own messages ran a boot out of memory with 1,100
  // variables free (test/board/sets.board.ts). Removing is at once (the node is leaving), at QoS 0:
  // these five would not fit in the outbox beside the goodbye. Written here, not in a function of
  // their own: on Espruino each function costs the firmware about 5 variables for as long as it runs.
  if (SET_LETTER && cfg.discovery) {
    if (!remove && extra == null) ticks = -EXTRAS;
    else
      [
        "sensor rssi dBm signal_strength measurement",
        "sensor uptime s duration total_increasing",
        "device_automation single short",
        "device_automation double double",
        "device_automation hold long",
        "update firmware"
      ].forEach(function (row, i) {
        var f = row.split(" ");
        if (remove || i == extra)
          send(
            HA + f[0] + "/" + id + "/" + f[1] + "/config",
            remove || (i > 1 && i < 5 && (!cfg.gestures || cfg.mode == "toggle"))
              ? ""
              : i > 4
                ? // The firmware as an update entity: the node learns of no newer version (the host
                  // tool brings it), so installed and latest are both the one in <base>/info, and
                  // the update's own state (<base>/ota/state) is an attribute.
                  utf8Json({
                    name: "Firmware",
                    uniq_id: id + "_fw",
                    dev_cla: "firmware",
                    ent_cat: "diagnostic",
                    stat_t: t + "/info",
                    val_tpl: "{{value_json.version}}",
                    l_ver_t: t + "/info",
                    l_ver_tpl: "{{value_json.version}}",
                    json_attr_t: t + "/ota/state",
                    json_attr_tpl: "{{ {'update': value} | tojson }}",
                    avty_t: t + "/status",
                    dev: { ids: [id] }
                  })
                : i < 2
                  ? utf8Json({
                      name: i ? "Uptime" : "RSSI",
                      uniq_id: id + "_" + f[1],
                      stat_t: t + "/info",
                      val_tpl: "{{value_json." + f[1] + "}}",
                      unit_of_meas: f[2],
                      dev_cla: f[3],
                      stat_cla: f[4],
                      ent_cat: "diagnostic",
                      avty_t: t + "/status",
                      dev: { ids: [id] }
                    })
                  : // A trigger, written as text: "type" is among the minifier's internal property names.
                    '{"atype":"trigger","t":' +
                    utf8Json(t + "/action") +
                    ',"pl":"' +
                    f[1] +
                    '","type":"button_' +
                    f[2] +
                    '_press","stype":"button_1","dev":{"ids":' +
                    utf8Json([id]) +
                    "}}",
            0,
            true
          );
      });
  }
}

// The wall switch. Pins.watch debounces contact bounce (50 ms) and reports levels. Toggle and
// detached: every change of level is a flip; button: only the press (low when pressedLow).
// 4 MB boards, with gestures on in button or detached mode: each press and release also goes to
// the gestures' code (GESTURE_FILE), which says single, double or hold on <base>/action; in button
// mode a press then switches the light only once it is a single (after the double-press window).
// Without that file, or with one that fails (damaged flash), `code` is cleared and the switch works
// as with gestures off: the light never depends on it.
function onSwitch(e: { state: boolean }) {
  var now = +e.state as Bit;
  var code: string | undefined | false = "";
  if (SET_LETTER && now != level) {
    try {
      if ((code = cfg.gestures && cfg.mode != "toggle" && deps.storage.read(GESTURE_FILE)))
        (0, eval)(code)(
          now != board.buttonPressedLow ? Edge.PRESS : Edge.RELEASE,
          gest,
          function (held: Held, said: string) {
            gest = held;
            if (said) send(cfg.topic + "/action", said, 0, false);
            if (said == "single" && cfg.mode == "button") ((flip = +!light), set(!light));
          }
        );
      else gest = 0;
    } catch (x) {
      code = gest = 0 as any;
    }
  }
  if (
    now != level &&
    ((level = now) != board.buttonPressedLow || cfg.mode != "button") &&
    !(SET_LETTER && code && cfg.mode == "button")
  ) {
    flip = +!light;
    set(!light);
  }
}

// The connection's events (AppEvent says what each argument is).
function event(e: AppEvent, a?: any): any {
  var ms: number,
    t = cfg.topic;
  // 4 MB boards: telemetry, <base>/info again every `tele` seconds of a connection (2 ticks a
  // second), on the client's clock. Before that, from -EXTRAS, the ticks send discovery's extras
  // one by one (announce()).
  // Both wait for an update's work (the receiver's global LNQ: its calls queued), the extras for
  // its whole transfer too (lnOTA, cleared at each ACTIVE, 100 ms before they start: never stale
  // for them): a 250-byte config or the info on top of a chunk passed the update's 900-variable
  // peak when an update began within the extras' 3 s after Active.
  if (SET_LETTER && e == AppEvent.TICK) {
    if (ticks < 0) {
      if (!(global as any).LNQ && !(global as any).lnOTA) announce(0, EXTRAS + ticks++);
    } else if (cfg.tele && ++ticks >= 2 * cfg.tele && !(global as any).LNQ) {
      ticks = 0;
      send(t + "/info", JSON.stringify(deps.info()), 0, true);
    }
  } else if (e == AppEvent.STATE) {
    // The LED's half-period in ms: slow while Offline (waiting for configuration), blinking while
    // joining Wi-Fi, fast while looking for the broker; in the other states it shows the light.
    // By the state's first letter: Offline, Disconnected, LookingForBroker (Active: none).
    ms = [1000, 500, 100]["ODL".indexOf(a[0])];
    // Only Active has none: the client is held while Active.
    if (ms) mqtt = 0;
    if (blink) clearInterval(blink);
    show(light);
    blink = board.led && ms && setInterval(show, ms);
  } else if (e == AppEvent.WILL) {
    return { topic: a.topic + "/status", payload: "offline", qos: 1, retain: true } as Will;
  } else if (e == AppEvent.ACTIVE) {
    // A new connection starts with no echo due: with a clean session the echo of a flip the
    // broker acknowledged on the old connection never comes, and what goes out now is counted as
    // it goes. The client owns the subscriptions and keeps them over reconnects; subscribing
    // again is a no-op.
    mqtt = a as MqttClient;
    echo = [0, 0];
    // The update topic at once (4 MB boards), before the commands' (what a sender waits for): the
    // receiver, which subscribes to it too, runs a moment later (ota()).
    if (SET_LETTER) mqtt.subscribe(t + "/ota", 1);
    mqtt.subscribe(t, 1);
    if (cfg.discovery) mqtt.subscribe(HA + "status", 1);
    send(t + "/status", "online", 1, true);
    send(t + "/info", JSON.stringify(deps.info()), 0, true);
    if (SET_LETTER) ticks = 0;
    announce();
    set(light);
    if (SET_LETTER) ota();
  } else if (e == AppEvent.LEAVE) {
    // Leaving on purpose: the will is not sent after DISCONNECT, so "offline" is said here. Moving
    // to another base topic, the old one keeps no light state or diagnostics (an empty retained
    // message clears them); a node forgotten, or given another id, removes its Home Assistant
    // entity.
    send(t + "/status", "offline", 1, true);
    if (a && a.topic != t) (send(t + "/state", "", 1, true), send(t + "/info", "", 1, true));
    if (!(a && a.id == cfg.id)) announce(1);
  } else if (e == AppEvent.STOP) {
    // The light changed SAVE_MS ago (the save's timer), or less and the interpreter restarts (after
    // load() it must come back as it was): it is saved now, if it differs from flash. The timer
    // calls this rather than a function of its own (about 5 variables less, paid for issue 21).
    if (saving) {
      saving = 0;
      if (light != saved) {
        if (record().write(light)) saved = light;
        else deps.print("light: state not saved");
      }
    }
  } else {
    cfg = a as Config;
    drive();
    // 4 MB boards: gestures or the switch mode may have changed (their device triggers). Only
    // while Active: `send` publishes nothing otherwise.
    if (SET_LETTER) announce();
  }
}

// A message on <base>, the node's commands. MQTT 3.1.1 sends a client its own publications, so
// each flip comes back on <base>. After quick flips on-off-on the echoes arrive late and would drag
// the light through old states, or loop: so as many messages as were sent with each exact payload
// are dropped (a phone's "ON" or "1" never matches the node's "on"), until ECHO_MS after the last
// own send (a lost echo must not swallow a later command forever).
function command(p: string) {
  var k: number;
  if (Date.now() > until) echo = [0, 0];
  k = /*@__NOINLINE__*/ cmds().indexOf(p);
  if (echo[k]) echo[k]--;
  else {
    // Only a short payload is trimmed and lowercased (a long one is no command): each is a copy,
    // and two of a 1 KB one, beside the packet's, ran the board out of memory (probe: OUT OF MEMORY).
    k = /*@__NOINLINE__*/ cmds().indexOf((p.length < 20 && p.trim().toLowerCase()) as string);
    if (k < 0) deps.print("light: ignored " + JSON.stringify(p.slice(0, 20)));
    else set(k > 5 ? !light : k % 2 > 0);
  }
}

// The update receiver (OTA_FILE, src/ota/), on 4 MB boards only (SET_LETTER is "" on 1 MB ones,
// and the minifier drops these hooks there): evaluated when used, at each ACTIVE (no payload: it
// subscribes to <base>/ota itself) and for each message on a topic of its own, with plain
// arguments (safe mode calls it alike). From a timer, at the top level (src/ota/later.ts), once
// the client has let go of the message; at ACTIVE 100 ms on, once the status, info and discovery
// just published have been sent (measured: 10 variables fewer than at once).
function ota(payload?: string) {
  later([cfg, payload, send, (mqtt as MqttClient).subscribe], payload === undefined ? 100 : 0);
}

// Every message on a subscribed topic. The commands are handled in a function of their own (called,
// not inlined): on Espruino a branch not taken is still read through, once per message (measured
// on the bench's messages the app ignores: about 5% faster).
function onMessage(m: MqttMessage) {
  var p = m.payload;
  if (m.topic == HA + "status") {
    if (p == "online") announce();
  } else if (SET_LETTER && m.topic != cfg.topic) ota(p);
  else if (m.topic == cfg.topic && (cfg.retained || !m.retain)) /*@__NOINLINE__*/ command(p);
}

export function createLightApp(d: LightDeps): LightApp {
  deps = d;
  cfg = d.config || ({ power: "last" } as Config);
  pins = d.pins;
  board = d.board;
  saved = record().read() ? 1 : 0;
  light = cfg.power == "last" ? saved : cfg.power == "on" ? 1 : 0;
  blink = mqtt = retry = saving = 0;
  if (SET_LETTER) gest = ticks = 0;
  // A time from the start (no echo due): Date.now() is a float, and a variable that changes from
  // integer to float grows by one on Espruino.
  until = Date.now();
  flip = -1;
  stale = 0;
  echo = [0, 0];
  // Every level is written before its pin becomes an output, so the first level a pin ever drives
  // is the final one: the relay never blips at boot, whatever the power-on state.
  drive();
  pins.mode(board.relay, "output");
  if (board.led) pins.mode(board.led, "output");
  pins.mode(board.button, board.buttonPressedLow ? "input_pullup" : "input");
  level = +pins.read(board.button) as Bit;
  pins.watch(onSwitch, board.button, { repeat: true, edge: "both", debounce: 50 });
  return { event: event, onMessage: onMessage };
}
