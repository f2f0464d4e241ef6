// The connection state machine: a pure transition (state, event) -> next state and effects, and
// the runner that performs the effects through the Wi-Fi link and the MQTT client, owns every
// timer (retry, watchdog), prints each transition in one line and tells the application through
// its hooks.
import { AppHooks, NodeState } from "../app-hooks";
import { Config, FIELDS_OF_LINKS } from "../config";
import { MqttClient } from "../mqtt/api";
import { Print } from "../ports";
import { WifiLink } from "./wifi";

// The machine's states. Offline comes in three: OFFLINE (no valid configuration yet: one leaves it),
// HELD (the user said offline(): the node waits for connect()) and HELD_EMPTY (held, and without a
// configuration). The others always have a configuration. stateName() gives each its NodeState.
export const enum St { OFFLINE, DISCONNECTED, LOOKING, ACTIVE, HELD_EMPTY, HELD }
// Constant tables live inside the functions that read them: a function's code stays in flash, while
// a table at module level would keep its strings in RAM (about 2 variables each).
export function stateName(s: St): NodeState {
  return "Offline Disconnected LookingForBroker Active Offline Offline".split(" ")[s] as NodeState;
}

// CFG: a valid config appeared (boot, or first config); WIFI_CFG / MQTT_CFG: Wi-Fi or broker
// settings changed; FORGET: config erased; OFFLINE / CONNECT: the console commands; WATCHDOG: no
// Active for too long; TIMER: the retry delay ran out; WIFI_UP: joined with an IP; MQTT_UP:
// CONNACK accepted; FAIL: the attempt under way failed (retry soon), SLOW: it failed for wrong
// credentials (retry slowly); WIFI_LOST / MQTT_LOST: an established link dropped (keep them last:
// the runner counts events from WIFI_LOST on as drops).
export const enum Ev { CFG, WIFI_CFG, MQTT_CFG, FORGET, OFFLINE, CONNECT, WATCHDOG, TIMER, WIFI_UP, MQTT_UP, FAIL, SLOW, WIFI_LOST, MQTT_LOST }

// One row per Ev (separated by |), one column per St (by commas): the next state's number followed by the effects, one
// character each, run in order: w / W start / stop Wi-Fi, m / M start / stop MQTT, r / s arm the
// retry timer with the next backoff delay / the slow delay, 0 reset the backoff, h tell the user a
// configuration is needed. Empty: nothing happens.


// The step as one string: the next state's digit, then the effects. Rows are in Ev order:
//   CFG, WIFI_CFG, MQTT_CFG, FORGET, OFFLINE, CONNECT, WATCHDOG, TIMER, WIFI_UP, MQTT_UP, FAIL,
//   SLOW, WIFI_LOST, MQTT_LOST.
export function transition(s: St, e: Ev): string {
  return "10w,,,,5|,1MW0w,1MW0w,1MW0w|,,2M0m,2M0m|0MWh,0MWh,0MWh,0MWh,0MWh,0MWh|4MW,5MW,5MW,5MW,4MW,5MW|0h,,,,0h,10w|,1MW0w,1MW0w|,1w,2m|,20m|,,30|,1r,2r|,1s,2s|,,1Mr,1Mr|,,,2r".split("|")[e].split(",")[s] || "" + s;
}

// Retry delays that never storm: 1 s doubling to 60 s, each +-20% at random (`random` is
// Math.random on the board); wrong credentials wait SLOW (they will not fix themselves within a
// minute). The delay of retry n (0, 1, ...), or of a slow retry for n < 0.
export var SLOW = 300000;
export function backoff(n: number, random: () => number) {
  return Math.round((n < 0 ? SLOW : Math.min(1000 * Math.pow(2, n), 60000)) * (0.8 + 0.4 * random()));
}

// No Active for this long (and not Offline): restart Wi-Fi and MQTT from scratch.
export var WATCHDOG = 900000;

export interface Runner {
  // Boot with the stored configuration, if any (as setConfig: the node was Offline since created).
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

// The hooks are plain functions (no `this`).
export interface RunnerDeps {
  wifi: WifiLink;
  mqtt: MqttClient;
  hooks: AppHooks;
  print: Print;
  random: () => number;
}

// The firmware has one runner, so its state lives at module level and runner() starts it afresh
// (on Espruino a function nested in another costs about 3 variables more than one at module level).
var d: RunnerDeps;
var r: Runner;
var m: St;
var cfg: Config | undefined;
// An MQTT connection of ours is under way or up (else closes are ours, ignored). The client
// reports onClose synchronously inside close()/disconnect(), so mq is cleared before calling them.
var mq: boolean;
var tries: number;
// Timer ids, 0 when not pending: Espruino throws on clearTimeout(undefined).
var retryT: any;
var dogT: any;
// Events raised while an event is being handled (callbacks may fire synchronously) wait here.
// The queue's head is the event being handled.
var queue: Ev[];
// The event (OFFLINE or FORGET) waiting while the node says goodbye to the broker, and its bound.
var leaving: Ev | 0;
var leaveT: any;
// How long the goodbye may wait for the broker's PUBACKs.
var LEAVE_MS = 2000;

function log(s: string) {
  d.print("[net] " + s);
}

// A lost link, or else a failed attempt: wrong credentials (a Wi-Fi password, or MQTT's "bad
// user name or password" / "not authorized") will not fix themselves, so they retry slowly.
function fail(why: string, lost?: Ev) {
  r.error = why;
  dispatch(lost || (/pass|auth/.test(why) ? Ev.SLOW : Ev.FAIL));
}

function onWifi(err: string | null) {
  if (err) fail("wifi: " + (err == "bad_password" ? "wrong password" : err));
  else dispatch(Ev.WIFI_UP);
}

// The retry timer (TIMER) and the watchdog (WATCHDOG): setTimeout hands each its event.
function onTimer(e: Ev) {
  if (e == Ev.TIMER) retryT = 0;
  else {
    dogT = 0;
    log((r.error = "watchdog"));
  }
  dispatch(e);
}

// One effect of a step (the links' effects only run in states that have a configuration). The
// client's CONNACK timeout also covers a TCP connect that never completes.
function perform(x: string) {
  var c = cfg as Config;
  var ms;
  if (x == "w") d.wifi.up(c, onWifi);
  else if (x == "W") d.wifi.down();
  else if (x == "m") {
    mq = true;
    d.mqtt.connect({
      host: c.broker, port: c.port, clientId: c.id, username: c.user, password: c.pass,
      keepalive: c.keepalive, will: d.hooks.will(c)
    });
  } else if (x == "M") {
    // Also before CONNACK: once CONNECT went out, DISCONNECT makes the broker drop the will.
    mq = false;
    d.mqtt.disconnect();
  } else if (x == "0") tries = 0;
  else if (x == "h") log("no config: run setup()");
  else {
    ms = backoff(x == "s" ? -1 : tries++, d.random);
    log(r.error + ", retry in about " + Math.round(ms / 1000) + "s");
    retryT = setTimeout(onTimer, ms, Ev.TIMER);
  }
}

// Handles the queue's events in turn, each to the end before the next. The watchdog runs while
// the node is neither Active nor Offline.
function dispatch(e: Ev) {
  var was: NodeState, step: string, s: St, now: NodeState;
  if (queue.push(e) > 1) return;
  try {
    for (; queue.length; queue.shift()) {
      e = queue[0];
      was = stateName(m);
      step = transition(m, e);
      s = m = +step[0];
      now = stateName(s);
      if (e >= Ev.WIFI_LOST) r.drops++;
      if (step[1] && retryT) retryT = clearTimeout(retryT);
      if (s != St.DISCONNECTED && s != St.LOOKING) {
        if (dogT) dogT = clearTimeout(dogT);
      } else if (!dogT) dogT = setTimeout(onTimer, WATCHDOG, Ev.WATCHDOG);
      step.slice(1).split("").forEach(perform);
      if (now != was) {
        log(was + " -> " + now);
        d.hooks.onState(now);
        if (s == St.ACTIVE) d.hooks.onActive(d.mqtt);
      }
    }
  } finally {
    queue = [];
  }
}

// offline() and forget() while Active: the app publishes "offline" (and, forgetting, removes its
// Home Assistant entity) first, because DISCONNECT makes the broker drop the will; the link goes
// once the broker acknowledged, or after LEAVE_MS, or when it drops by itself.
function leave(e: Ev) {
  if (m != St.ACTIVE || leaving) return dispatch(e);
  leaving = e;
  leaveT = setTimeout(left, LEAVE_MS);
  d.hooks.onLeave(e == Ev.FORGET);
}

function left() {
  var e = leaving;
  if (!e) return;
  leaving = 0;
  if (leaveT) leaveT = clearTimeout(leaveT);
  dispatch(e);
}

function onMqttUp() {
  if (mq) dispatch(Ev.MQTT_UP);
}

function onMqttClose(reason: string) {
  left();
  if (!mq) return;
  mq = false;
  fail("mqtt: " + reason, m == St.ACTIVE ? Ev.MQTT_LOST : undefined);
}

function onWifiLost(reason: string) {
  fail("wifi: lost (" + reason + ")", Ev.WIFI_LOST);
}

// Forgetting (also booting without a config) says a configuration is needed.
function setConfig(c: Config | undefined) {
  var old = cfg;
  var i = 0;
  cfg = c;
  if (!c) return leave(Ev.FORGET);
  d.hooks.onConfig(c);
  if (!old) return dispatch(Ev.CFG);
  // The first nine fields are what the links depend on: a change in the first two rejoins
  // Wi-Fi, in the others reconnects MQTT.
  var fields = FIELDS_OF_LINKS.split(" ");
  while (i < 9 && (old as any)[fields[i]] === (c as any)[fields[i]]) i++;
  if (i < 9) dispatch(i < 2 ? Ev.WIFI_CFG : Ev.MQTT_CFG);
}

function state() {
  return stateName(m);
}

// Boot: the state is said once, in the same words as every later change.
function start(c: Config | undefined) {
  log("boot -> " + stateName(m));
  setConfig(c);
}

export function runner(deps: RunnerDeps): Runner {
  d = deps;
  m = St.OFFLINE;
  cfg = undefined;
  mq = false;
  tries = retryT = dogT = leaving = leaveT = 0;
  queue = [];
  deps.mqtt.onConnect = onMqttUp;
  deps.mqtt.onClose = onMqttClose;
  deps.mqtt.onDrained = left;
  deps.mqtt.onMessage = deps.hooks.onMessage;
  deps.wifi.onLost = onWifiLost;
  deps.hooks.onState(stateName(St.OFFLINE));
  r = {
    drops: 0,
    error: "",
    start: start,
    setConfig: setConfig,
    offline: leave.bind(null, Ev.OFFLINE),
    connect: dispatch.bind(null, Ev.CONNECT),
    state: state
  };
  return r;
}
