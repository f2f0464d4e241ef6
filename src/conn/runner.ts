// The connection state machine: a pure transition (state, event) -> next state and effects, and
// the runner that performs the effects through the Wi-Fi link and the MQTT client, owns every
// timer (retry, watchdog), prints each transition in one line and tells the application through
// its hooks. The runner is code of the Storage file NET_FILE (src/conn/entry.ts): run for one input
// at a time (step), over the NetState the firmware keeps (src/conn/types.ts, src/conn/net.ts).
//
// The Wi-Fi link, over Espruino's ESP8266 Wifi module, adds what the module lacks: a timeout on
// join (some failures retry silently forever) and a single "lost" report for a link that was up.
// It never calls Wifi.save(): the password lives only in our own store. The module's callbacks
// come back as inputs (JOINED, WIFI_GONE), through the firmware's entry, since this code is not
// kept between them. Every stop starts a new generation (callbacks of older attempts are
// ignored); the link counts as up only while `upGen` is the current one. Its steps are written
// where they are used, on the run's state `x`: passed as an argument they cost the file about 60
// bytes of wrappers.
import { AppEvent, NodeState } from "../app-hooks";
import { Config } from "../config";
import { Ev, In, NetState, St } from "./types";

// Constant tables live inside the functions that read them: a function's code stays in flash, while
// a table at module level would keep its strings in RAM (about 2 variables each). The held states
// (HELD_EMPTY, HELD) are Offline.
export function stateName(s: St): NodeState {
  return "Offline Disconnected LookingForBroker Active".split(" ")[s > St.ACTIVE ? St.OFFLINE : s] as NodeState;
}

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
// Math.random: the runner's code draws it itself, as a native function held by the state would
// cost it 3 variables); wrong credentials wait SLOW (they will not fix themselves within a
// minute). The delay of retry n (0, 1, ...), or of a slow retry for n < 0.
export var SLOW = 300000;
export function backoff(n: number, random: () => number) {
  return Math.round((n < 0 ? SLOW : Math.min(1000 * Math.pow(2, n), 60000)) * (0.8 + 0.4 * random()));
}

// No Active for this long (and not Offline): restart Wi-Fi and MQTT from scratch.
export var WATCHDOG = 900000;

// How long the goodbye may wait for the broker's PUBACKs.
var LEAVE_MS = 2000;

// A Wi-Fi join that gets no IP address within this long has failed.
var JOIN_TIMEOUT = 30000;

// The state of the run under way (the code is loaded per input, the state stays in the firmware).
var x: NetState;
// Events raised while an event is being handled (callbacks may fire synchronously) wait here; the
// head is the event being handled. It is empty between inputs, so it goes with the code.
var queue: Ev[] = [];
// Espruino's timer functions, read at each input (tests may replace them meanwhile): each use of a
// short name saves the file about ten bytes.
var later: typeof setTimeout;
var cancel: typeof clearTimeout;

function log(s: string) {
  x.print("[net] " + s);
}

// Ends the Wi-Fi attempt under way, if any: its callbacks are ignored from now on.
function stop() {
  x.gen++;
  if (x.joinT) x.joinT = cancel(x.joinT);
}

// A lost link, or else a failed attempt: wrong credentials (a Wi-Fi password, or MQTT's "bad
// user name or password" / "not authorized") will not fix themselves, so they retry slowly.
function fail(why: string, lost?: Ev) {
  x.lastError = why;
  dispatch(lost || (/pass|auth/.test(why) ? Ev.SLOW : Ev.FAIL));
}

// One effect of a step (the links' effects only run in states that have a configuration). The
// client's CONNACK timeout also covers a TCP connect that never completes. Timers come back as
// inputs: the retry as TIMER.
function perform(e: string) {
  var c = x.cfg as Config;
  var ms;
  if (e == "w") {
    // Joins c.ssid as host c.id: the attempt ends as JOINED with its generation and null once
    // there is an IP, else "bad_password", "no_ap_found", "connect_failed" or "timeout".
    stop();
    x.joinT = later(x.input, JOIN_TIMEOUT, In.JOINED, x.gen, "timeout");
    x.wifi.setHostname(c.id);
    x.wifi.connect(c.ssid, { password: c.password }, x.input.bind(null, In.JOINED, x.gen));
  } else if (e == "W") {
    stop();
    x.wifi.disconnect();
  } else if (e == "m") {
    x.mq = 1;
    // A clean session: the client subscribes again itself after each CONNACK.
    x.mqtt.connect({
      host: c.broker, port: c.port, clientId: c.id, username: c.user, password: c.pass,
      keepalive: c.keepalive, clean: true, will: x.hooks.event(AppEvent.WILL, c)
    });
  } else if (e == "M") {
    // Also before CONNACK: once CONNECT went out, DISCONNECT makes the broker drop the will.
    x.mq = 0;
    x.mqtt.disconnect();
  } else if (e == "0") x.tries = 0;
  else if (e == "h") log("no config: run setup()");
  else {
    ms = backoff(e == "s" ? -1 : x.tries++, Math.random);
    log(x.lastError + ", retry in about " + ((ms / 1000 + 0.5) | 0) + "s");
    x.retryT = later(x.input, ms, In.TIMER);
  }
}

// Handles the queue's events in turn, each to the end before the next. The watchdog runs while
// the node is neither Active nor Offline.
function dispatch(e: Ev) {
  var was: NodeState, step: string, s: St;
  if (queue.push(e) > 1) return;
  try {
    for (; queue.length; queue.shift()) {
      e = queue[0];
      was = x.nodeState;
      step = transition(x.m, e);
      s = x.m = +step[0];
      if (e >= Ev.WIFI_LOST) x.drops++;
      if (step[1] && x.retryT) x.retryT = cancel(x.retryT);
      if (s != St.DISCONNECTED && s != St.LOOKING) {
        if (x.dogT) x.dogT = cancel(x.dogT);
      } else if (!x.dogT) x.dogT = later(x.input, WATCHDOG, In.WATCHDOG);
      step.slice(1).split("").forEach(perform);
      if ((x.nodeState = stateName(s)) != was) {
        log(was + " -> " + x.nodeState);
        x.hooks.event(AppEvent.STATE, x.nodeState);
        // Active: the last error is over (status() would show it as current). The app hears of it
        // from the entry once this code is released (src/conn/net.ts).
        if (s == St.ACTIVE) x.arrived = 1, (x.lastError = "");
      }
    }
  } finally {
    queue = [];
  }
}

// offline(), forget() and new settings of the links while Active: the app publishes "offline" (and
// clears what it leaves behind) first, because DISCONNECT makes the broker drop the will; the link
// goes once the broker acknowledged, or after LEAVE_MS, or when it drops by itself.
function leave(e: Ev) {
  if (x.m != St.ACTIVE || x.leaving) return dispatch(e);
  x.leaving = e;
  x.leaveT = later(x.input, LEAVE_MS, In.LEFT);
  x.hooks.event(AppEvent.LEAVE, x.cfg);
}

function left() {
  var e = x.leaving;
  if (!e) return;
  x.leaving = 0;
  if (x.leaveT) x.leaveT = cancel(x.leaveT);
  dispatch(e);
}

// Forgetting (also booting without a config) says a configuration is needed. The app hears of a
// new configuration after the goodbye under the old one has gone out.
function setConfig(c: Config | undefined) {
  var old = x.cfg;
  var i = 0;
  var fields: string[];
  x.cfg = c;
  if (!c) return leave(Ev.FORGET);
  // The first nine fields (FIELDS_OF_LINKS) are what the links depend on: a change in the first
  // two rejoins Wi-Fi, in the others reconnects MQTT. Every configuration holds its fields in the
  // order of fields() (the store builds it from its defaults, the console copies it), and objects
  // keep the order of their names (not numbers) on Espruino as in JS: its keys are that list.
  fields = Object.keys(c);
  while (old && i < 9 && (old as any)[fields[i]] === (c as any)[fields[i]]) i++;
  if (old && i < 9) leave(i < 2 ? Ev.WIFI_CFG : Ev.MQTT_CFG);
  x.hooks.event(AppEvent.CONFIG, c);
  if (!old) dispatch(Ev.CFG);
}

// One input (In), with its arguments. Boot says the state once, in the same words as every later
// change.
export function step(state: NetState, input: In, a?: any, b?: any) {
  x = state;
  later = setTimeout;
  cancel = clearTimeout;
  if (input == In.START) {
    log("boot -> " + x.nodeState);
    setConfig(a);
  } else if (input == In.CONFIG) setConfig(a);
  else if (input == In.LEFT) left();
  else if (input == In.MQTT_CLOSE) {
    // During a goodbye the close ends it: what follows is the leaving event's.
    if (x.leaving || !x.mq) return left();
    x.mq = 0;
    fail("mqtt: " + a, x.m == St.ACTIVE ? Ev.MQTT_LOST : undefined);
  } else if (input == In.JOINED) {
    // Exactly one per join, none after a stop.
    if (a == x.gen) {
      stop();
      if (b) x.wifi.disconnect(), fail("wifi: " + (b == "bad_password" ? "wrong password" : b));
      else x.upGen = x.gen, dispatch(Ev.WIFI_UP);
    }
  } else if (input == In.WIFI_GONE) {
    // Only a link that was up is lost.
    if (x.upGen == x.gen) stop(), fail("wifi: lost (" + a + ")", Ev.WIFI_LOST);
  } else if (input == In.OFFLINE) leave(Ev.OFFLINE);
  else if (input == In.DROPPED) log("mqtt: dropped " + b + " bytes on " + a + ": too large");
  else {
    // A machine event as it is: CONNECT, TIMER, WATCHDOG, MQTT_UP.
    if (input == In.TIMER) x.retryT = 0;
    if (input == In.WATCHDOG) {
      x.dogT = 0;
      log((x.lastError = "watchdog"));
    }
    if (input != In.MQTT_UP || x.mq) dispatch(input as number);
  }
}
