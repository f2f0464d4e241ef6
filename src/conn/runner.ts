// Runs the connection state machine: performs its effects through the Wi-Fi link and the MQTT
// client, owns every timer (retry, watchdog), prints each transition in one line and tells the
// application through its hooks.
import { AppHooks, NodeState } from "../app-hooks";
import { Config } from "../config";
import { MqttClient } from "../mqtt/api";
import { Print } from "../ports";
import { Ev, NAMES, St, transition } from "./machine";
import { WifiLink } from "./wifi";

// No Active for this long (and not Offline): restart Wi-Fi and MQTT from scratch.
export var WATCHDOG = 900000;
// Settings a link depends on: a change in the first two rejoins Wi-Fi, in the others reconnects MQTT.
var KEYS = "ssid password broker port id user pass topic keepalive".split(" ");

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

// backoff(n): the delay of retry n, or of a slow retry for n < 0 (see backoff.ts). The hooks are
// plain functions (no `this`).
export interface RunnerDeps {
  wifi: WifiLink;
  mqtt: MqttClient;
  hooks: AppHooks;
  print: Print;
  backoff: (n: number) => number;
}

export function runner(d: RunnerDeps): Runner {
  var m = St.OFFLINE;
  var cfg: any;
  var hooks = d.hooks;
  var mqtt = d.mqtt;
  // An MQTT connection of ours is under way or up (else closes are ours, ignored). The client
  // reports onClose synchronously inside close()/disconnect(), so mq is cleared before calling them.
  var mq = false;
  var session = false;
  var tries = 0;
  // Timer ids, 0 when not pending: Espruino throws on clearing an unknown id, and
  // clearTimeout(undefined) clears every timer of every module.
  var retryT: any = 0;
  var dogT: any = 0;
  // Events raised while an event is being handled (callbacks may fire synchronously) wait here.
  // The queue's head is the event being handled.
  var queue: Ev[] = [];

  function log(s: string) {
    d.print("[net] " + s);
  }

  // A lost link, or else a failed attempt: wrong credentials (a Wi-Fi password, or MQTT's "bad
  // user name or password" / "not authorized") will not fix themselves, so they retry slowly.
  function fail(why: string, lost?: Ev) {
    r.error = why;
    dispatch(lost || (/pass|auth/.test(why) ? Ev.SLOW : Ev.FAIL));
  }

  function retry(n: number) {
    var ms = d.backoff(n);
    log(r.error + ", retry in " + Math.round(ms / 1000) + "s");
    retryT = setTimeout(function () {
      retryT = 0;
      dispatch(Ev.TIMER);
    }, ms);
  }

  // The client's CONNACK timeout also covers a TCP connect that never completes.
  function perform(x: string) {
    var c = cfg;
    if (x == "w")
      d.wifi.up(c.ssid, c.password, c.id, function (err) {
        if (err) fail("wifi: " + (err == "bad_password" ? "wrong password" : err));
        else dispatch(Ev.WIFI_UP);
      });
    else if (x == "W") d.wifi.down();
    else if (x == "m") {
      mq = true;
      mqtt.connect({
        host: c.broker, port: c.port, clientId: c.id, username: c.user, password: c.pass || undefined,
        keepalive: c.keepalive, will: hooks.will(c)
      });
    } else if (x == "M") {
      mq = false;
      if (mqtt.connected) mqtt.disconnect();
      else mqtt.close();
    } else if (x == "r") retry(tries++);
    else if (x == "s") retry(-1);
    else if (x == "0") tries = 0;
    else log("no config: run setup()");
  }

  function dispatch(e: Ev) {
    if (queue.push(e) > 1) return;
    try {
      for (; queue.length; queue.shift()) handle(queue[0]);
    } finally {
      queue = [];
    }
  }

  // The watchdog runs while the node is neither Active nor Offline.
  function handle(e: Ev) {
    var was = m;
    var step = transition(m, e);
    var s = (m = step.state);
    if (e >= Ev.WIFI_LOST) r.drops++;
    if (step.effects && retryT) retryT = clearTimeout(retryT);
    if (s != St.DISCONNECTED && s != St.LOOKING) {
      if (dogT) dogT = clearTimeout(dogT);
    } else if (!dogT)
      dogT = setTimeout(function () {
        dogT = 0;
        log((r.error = "watchdog"));
        dispatch(Ev.WATCHDOG);
      }, WATCHDOG);
    step.effects.split("").forEach(perform);
    if (NAMES[s] != NAMES[was]) {
      log(NAMES[was] + " -> " + NAMES[s]);
      hooks.onState(NAMES[s] as NodeState);
      if (s == St.ACTIVE) hooks.onActive(mqtt, session, cfg);
    }
  }

  mqtt.onConnect = function (sp) {
    session = sp;
    if (mq) dispatch(Ev.MQTT_UP);
  };
  mqtt.onClose = function (reason) {
    if (!mq) return;
    mq = false;
    fail("mqtt: " + reason, m == St.ACTIVE ? Ev.MQTT_LOST : undefined);
  };
  mqtt.onMessage = hooks.onMessage;
  d.wifi.onLost = function (reason) {
    fail("wifi: lost (" + reason + ")", Ev.WIFI_LOST);
  };

  var r: Runner = {
    drops: 0,
    error: "",
    start: function (c) {
      hooks.onState("Offline");
      if (c) r.setConfig(c);
      else perform("h");
    },
    setConfig: function (c: any) {
      var old = cfg;
      var i = 0;
      cfg = c;
      if (!c) return dispatch(Ev.FORGET);
      hooks.onConfig(c);
      if (!old) return dispatch(Ev.CFG);
      while (i < 9 && old[KEYS[i]] === c[KEYS[i]]) i++;
      if (i < 9) dispatch(i < 2 ? Ev.WIFI_CFG : Ev.MQTT_CFG);
    },
    offline: function () {
      dispatch(Ev.OFFLINE);
    },
    connect: function () {
      dispatch(Ev.CONNECT);
    },
    state: function () {
      return NAMES[m] as NodeState;
    }
  };
  return r;
}
