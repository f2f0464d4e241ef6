// Runs the connection state machine: performs its effects through the Wi-Fi link and the MQTT
// client, owns every timer (retry, MQTT attempt, watchdog), prints each transition in one line
// and tells the application through its hooks.
import { AppHooks, NodeState } from "../app-hooks";
import { Config } from "../config";
import { MqttClient } from "../mqtt/api";
import { Print } from "../ports";
import { Backoff } from "./backoff";
import { MachineEvent, MachineState, transition } from "./machine";
import { WifiLink } from "./wifi";

// No Active for this long (and not Offline): restart Wi-Fi and MQTT from scratch.
export var WATCHDOG = 900000;
var WIFI_KEYS = "ssid password";
var MQTT_KEYS = "broker port id user pass topic keepalive";

export interface Runner {
  // Boot with the stored configuration, if any.
  start(c: Config | undefined): void;
  // The stored configuration changed (undefined: forgotten).
  setConfig(c: Config | undefined): void;
  offline(): void;
  connect(): void;
  state(): NodeState;
  // Links dropped since boot, and the last failure as text (never holds a password).
  drops: number;
  error: string;
}

export interface RunnerDeps {
  wifi: WifiLink;
  mqtt: MqttClient;
  hooks: AppHooks;
  print: Print;
  backoff: Backoff;
}

function changed(a: any, b: any, keys: string) {
  return keys.split(" ").some(function (k) {
    return a[k] !== b[k];
  });
}

export function runner(d: RunnerDeps): Runner {
  var m: MachineState = { s: "Offline", cfg: false, hold: false };
  var cfg: Config | undefined;
  // MQTT link: 0 none (closes are ours, ignored), 1 connecting, 2 up. The client reports
  // onClose synchronously inside close()/disconnect(), so mq is cleared before calling them.
  var mq = 0;
  var session = false;
  // Timer ids, 0 when not pending: Espruino throws on clearing an unknown id, and
  // clearTimeout(undefined) clears every timer of every module.
  var retryT: any = 0;
  var dogT: any = 0;
  var mqtt = d.mqtt;
  // Events raised while an event is being handled (callbacks may fire synchronously) wait here.
  var queue: MachineEvent[] = [];
  var busy = false;

  function fail(ev: MachineEvent, why: string) {
    r.error = why;
    dispatch(ev);
  }

  function retry(ms: number) {
    d.print("[net] " + r.error + ", retry in " + Math.round(ms / 1000) + "s");
    retryT = setTimeout(function () {
      retryT = 0;
      dispatch("timer");
    }, ms);
  }

  // The client's CONNACK timeout also covers a TCP connect that never completes.
  function mqttOn(c: Config) {
    mq = 1;
    mqtt.connect({
      host: c.broker, port: c.port, clientId: c.id, username: c.user || undefined,
      password: c.pass || undefined, keepalive: c.keepalive, clean: true, will: d.hooks.will(c)
    });
  }

  function perform(e: string) {
    var c = cfg as Config;
    if (e == "w") {
      d.wifi.up(c.ssid, c.password, c.id, function (err) {
        if (!err) dispatch("wifiUp");
        else if (err == "bad_password") fail("wifiSlow", "wifi: wrong password");
        else fail("wifiFail", "wifi: " + err);
      });
    } else if (e == "W") d.wifi.down();
    else if (e == "m") mqttOn(c);
    else if (e == "M") {
      mq = 0;
      if (mqtt.connected) mqtt.disconnect();
      else mqtt.close();
    } else if (e == "r") retry(d.backoff.next());
    else if (e == "s") retry(d.backoff.slow());
    else if (e == "0") d.backoff.reset();
    else d.print("[net] no config: run setup() or config({...})");
  }

  function dispatch(e: MachineEvent) {
    queue.push(e);
    if (busy) return;
    busy = true;
    try {
      while (queue.length) handle(queue.shift() as MachineEvent);
    } finally {
      busy = false;
      queue = [];
    }
  }

  function handle(e: MachineEvent) {
    var was = m.s;
    var step = transition(m, e);
    m = step.state;
    if (e == "wifiLost" || e == "mqttLost") r.drops++;
    if (step.effects && retryT) retryT = clearTimeout(retryT);
    if (m.s != was) {
      d.print("[net] " + was + " -> " + m.s);
      if (m.s == "Active" || m.s == "Offline") {
        if (dogT) dogT = clearTimeout(dogT);
      } else if (!dogT) {
        dogT = setTimeout(function () {
          dogT = 0;
          d.print("[net] " + (r.error = "watchdog"));
          dispatch("watchdog");
        }, WATCHDOG);
      }
    }
    step.effects.split("").forEach(perform);
    if (m.s != was) {
      d.hooks.onState(m.s);
      if (m.s == "Active") d.hooks.onActive(mqtt, session, cfg as Config);
    }
  }

  mqtt.onConnect = function (sp) {
    if (mq != 1) return;
    mq = 2;
    session = sp;
    dispatch("mqttUp");
  };
  mqtt.onClose = function (reason) {
    if (!mq) return;
    mq = 0;
    var slow = reason.indexOf("refused") >= 0 && /user|auth/.test(reason);
    fail(m.s == "Active" ? "mqttLost" : slow ? "mqttSlow" : "mqttFail", "mqtt: " + reason);
  };
  mqtt.onMessage = function (msg) {
    d.hooks.onMessage(msg);
  };
  d.wifi.onLost = function (reason) {
    fail("wifiLost", "wifi: lost (" + reason + ")");
  };

  var r: Runner = {
    drops: 0,
    error: "",
    start: function (c) {
      d.hooks.onState(m.s);
      if (c) r.setConfig(c);
      else perform("h");
    },
    setConfig: function (c) {
      var old = cfg;
      cfg = c;
      if (!c) return dispatch("forget");
      d.hooks.onConfig(c);
      if (!old || !m.cfg) dispatch("cfg");
      else if (changed(old, c, WIFI_KEYS)) dispatch("wifiCfg");
      else if (changed(old, c, MQTT_KEYS)) dispatch("mqttCfg");
    },
    offline: function () {
      dispatch("offline");
    },
    connect: function () {
      dispatch("connect");
    },
    state: function () {
      return m.s;
    }
  };
  return r;
}
