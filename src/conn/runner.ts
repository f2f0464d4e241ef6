// The connection's code, run for one input at a time (step) over the NetState the firmware keeps
// (types.ts, net.ts): it lives in the Storage file NET_FILE (entry.ts), loaded per input and
// dropped after, so none of it costs RAM between state changes. Top to bottom:
//   - the state machine: transition(), the step from a state on an event, read from the rows of
//     machine.table.ts, and stateName();
//   - the retry delays (backoff) and the other times;
//   - the effects (perform): the Wi-Fi link and the MQTT client, the retry timer;
//   - dispatch(): each event's step, with the rules outside the table (machine.table.ts lists them);
//   - the goodbye (leave, left) and new configurations (setConfig);
//   - step(): the inputs (In) turned into events.
// Every timer is the runner's (retry, watchdog, join timeout, goodbye), and comes back as an input.
// Each state change is printed in one line and told to the application through its hooks.
//
// The Wi-Fi link, over Espruino's ESP8266 Wifi module, adds what the module lacks: a timeout on
// join (some failures retry silently forever) and a single "lost" report for a link that was up.
// It never calls Wifi.save(): the password lives only in our own store. The module's callbacks
// come back as inputs (JOINED, WIFI_GONE), through the firmware's entry, since this code is not
// kept between them. Every stop starts a new generation (callbacks of older attempts are
// ignored); the link counts as up only while `upGeneration` is the current one. Its steps are
// written where they are used, on the run's state `conn`: passed as an argument they cost the file
// about 60 bytes of wrappers.
import { AppEvent, NodeState } from "../app-hooks";
import { Config, SET_LETTER } from "../config";
import { LINK_FIELDS, WIFI_FIELDS } from "../config.table";
import { Fx, TRANSITIONS } from "./machine.table";
import { Ev, In, Leaving, LeavingEvent, LostEvent, NetState, St } from "./types";

// The held states (HELD_EMPTY, HELD) are Offline. The names are one string written in the code:
// a function's code stays in flash, while a table at module level would keep its strings in RAM
// (about 2 variables each).
export function stateName(s: St): NodeState {
  return "Offline Disconnected LookingForBroker Active".split(" ")[s > St.ACTIVE ? St.OFFLINE : s] as NodeState;
}

// The step from state s on event e: the next state's digit, then the effects (Fx), one character
// each. The rows are in machine.table.ts; the build packs them into TRANSITIONS (a string literal
// the minifier inlines here). An empty cell: nothing happens. A row of one cell holds for every
// state.
export function transition(s: St, e: Ev): string {
  var cells = TRANSITIONS.split("|")[e].split(",");
  return cells[cells.length > 1 ? s : 0] || "" + s;
}

// Retry delays that never storm: 1 s doubling to 60 s, each +-20% at random (`random` is
// Math.random: the runner's code draws it itself, as a native function held by the state would
// cost it 3 variables); wrong credentials wait SLOW (they will not fix themselves within a
// minute). The delay of retry n (0, 1, ...), or of a slow retry for n < 0. From retry 6 on it is the
// ceiling (1 s << 6 is over it): a shift, not Math.min and Math.pow, 17 bytes fewer.
export var SLOW = 300000;
export function backoff(n: number, random: () => number) {
  return Math.round((n < 0 ? SLOW : n > 5 ? 60000 : 1000 << n) * (0.8 + 0.4 * random()));
}

// No Active for this long (and not Offline): restart Wi-Fi and MQTT from scratch.
export var WATCHDOG = 900000;

// How long the goodbye may wait for the broker's PUBACKs.
var LEAVE_MS = 2000;

// A Wi-Fi join that gets no IP address within this long has failed.
var JOIN_TIMEOUT = 30000;

// The state of the run under way (the code is loaded per input, the state stays in the firmware).
var conn: NetState;
// Events raised while an event is being handled (callbacks may fire synchronously) wait here; the
// head is the event being handled. It is empty between inputs, so it goes with the code.
var queue: Ev[] = [];
// Espruino's timer functions, read at each input (tests may replace them meanwhile): each use of a
// short name saves the file about ten bytes.
var later: typeof setTimeout;
var cancel: typeof clearTimeout;

function log(s: string) {
  conn.print("[net] " + s);
}

// Ends the Wi-Fi attempt under way, if any: its callbacks are ignored from now on.
function stop() {
  conn.generation++;
  if (conn.joinTimer) conn.joinTimer = cancel(conn.joinTimer);
}

// On 4 MB boards the last failure is also kept past Active, with its time, for the telemetry
// (SET_LETTER: "" on 1 MB ones, where the minifier drops it).
function faulted(why: string) {
  conn.fault = why;
  conn.faultAt = Date.now();
}

// A lost link (`lost`: neither of its events is 0, so `||` reads no event as none), or else a
// failed attempt: wrong credentials (a Wi-Fi password, or MQTT's "bad user name or password" /
// "not authorized") will not fix themselves, so they retry slowly.
function fail(why: string, lost?: LostEvent | false) {
  conn.lastError = why;
  if (SET_LETTER) faulted(why);
  dispatch(lost || (/pass|auth/.test(why) ? Ev.SLOW : Ev.FAIL));
}

// One effect of a step (the links' effects only run in states that have a configuration). The
// client's CONNACK timeout also covers a TCP connect that never completes. Timers come back as
// inputs: the retry as TIMER.
function perform(e: Fx) {
  var c = conn.cfg as Config;
  var ms;
  if (e == Fx.WIFI_ON) {
    // Joins c.ssid as host c.id: the attempt ends as JOINED with its generation and null once
    // there is an IP, else "bad_password", "no_ap_found", "connect_failed" or "timeout".
    stop();
    conn.joinTimer = later(conn.input, JOIN_TIMEOUT, In.JOINED, conn.generation, "timeout");
    conn.wifi.setHostname(c.id);
    conn.wifi.connect(c.ssid, { password: c.password }, conn.input.bind(null, In.JOINED, conn.generation));
  } else if (e == Fx.WIFI_OFF) {
    stop();
    conn.wifi.disconnect();
  } else if (e == Fx.MQTT_ON) {
    conn.mqttOn = 1;
    // A clean session: the client subscribes again itself after each CONNACK.
    conn.mqtt.connect({
      host: c.broker,
      port: c.port,
      clientId: c.id,
      username: c.user,
      password: c.pass,
      keepalive: c.keepalive,
      clean: true,
      will: conn.hooks.event(AppEvent.WILL, c)
    });
  } else if (e == Fx.MQTT_OFF) {
    // Also before CONNACK: once CONNECT went out, DISCONNECT makes the broker drop the will.
    conn.mqttOn = 0;
    conn.mqtt.disconnect();
  } else if (e == Fx.RESET_BACKOFF) conn.tries = 0;
  else if (e == Fx.HINT) log("no config: run setup()");
  else {
    // RETRY or RETRY_SLOW.
    ms = backoff(e == Fx.RETRY_SLOW ? -1 : conn.tries++, Math.random);
    log(conn.lastError + ", retry in about " + ((ms / 1000 + 0.5) | 0) + "s");
    conn.retryTimer = later(conn.input, ms, In.TIMER);
  }
}

// Handles the queue's events in turn, each to the end before the next: the table's step, and
// around it the rules machine.table.ts lists (drops counted, the retry cancelled, the watchdog).
function dispatch(e: Ev) {
  var was: NodeState, step: string, s: St, i: number;
  if (queue.push(e) > 1) return;
  try {
    for (; queue.length; queue.shift()) {
      e = queue[0];
      was = conn.nodeState;
      step = /*@__INLINE__*/ transition(conn.machine, e);
      s = conn.machine = +step[0];
      // WIFI_LOST or MQTT_LOST, Ev's last two (types.ts): one comparison, 5 bytes fewer than two.
      if (e >= Ev.WIFI_LOST) conn.drops++;
      // Any effect starts something new: the retry pending for the old attempt is void.
      if (step[1] && conn.retryTimer) conn.retryTimer = cancel(conn.retryTimer);
      // The watchdog runs only while the node is trying (neither Active nor Offline).
      if (s != St.DISCONNECTED && s != St.LOOKING) {
        if (conn.watchdogTimer) conn.watchdogTimer = cancel(conn.watchdogTimer);
      } else if (!conn.watchdogTimer) conn.watchdogTimer = later(conn.input, WATCHDOG, In.WATCHDOG);
      // The effects, one character each after the state's digit (no array of them: 6 bytes fewer).
      // transition(), perform() and stateName() written in place by the minifier (INLINE): each
      // function of this file costs RAM from the moment it is loaded, and the file is loaded
      // beside the client's packet handling (offline()/connect(): 920 -> 899 variables at the
      // peak, on the probe), and 5 bytes fewer.
      for (i = 1; i < step.length;) /*@__INLINE__*/ perform(step[i++] as Fx);
      if ((conn.nodeState = /*@__INLINE__*/ stateName(s)) != was) {
        log(was + " -> " + conn.nodeState);
        conn.hooks.event(AppEvent.STATE, conn.nodeState);
        // Active: the last error is over (status() would show it as current). The app hears of it
        // from the entry once this code is released (src/conn/net.ts).
        if (s == St.ACTIVE) ((conn.arrived = 1), (conn.lastError = ""));
      }
    }
  } finally {
    queue = [];
  }
}

// offline(), forget() and new settings of the links while Active: the app publishes "offline" (and
// clears what it leaves behind) first, because DISCONNECT makes the broker drop the will; the link
// goes once the broker acknowledged, or after LEAVE_MS, or when it drops by itself.
function leave(e: LeavingEvent) {
  if (conn.machine != St.ACTIVE || conn.leaving) return dispatch(e);
  conn.leaving = e;
  conn.leaveTimer = later(conn.input, LEAVE_MS, In.LEFT);
  conn.hooks.event(AppEvent.LEAVE, conn.cfg);
}

function left() {
  var e = conn.leaving;
  if (!e) return;
  conn.leaving = Leaving.NONE;
  if (conn.leaveTimer) conn.leaveTimer = cancel(conn.leaveTimer);
  dispatch(e);
}

// Forgetting (also booting without a config) says a configuration is needed. The app hears of a
// new configuration after the goodbye under the old one has gone out.
function setConfig(c: Config | undefined) {
  var old = conn.cfg;
  var i = 0;
  var fields: string[];
  conn.cfg = c;
  if (!c) return leave(Ev.FORGET);
  // The first LINK_FIELDS fields are what the links depend on: a change in the first WIFI_FIELDS
  // rejoins Wi-Fi, in the others reconnects MQTT (config.table.ts). Every configuration holds its
  // fields in the declared order (the store builds it from its defaults, the console copies it),
  // and objects keep the order of their names (not numbers) on Espruino as in JS: its keys are
  // that list.
  fields = Object.keys(c);
  while (old && i < LINK_FIELDS && (old as any)[fields[i]] === (c as any)[fields[i]]) i++;
  if (old && i < LINK_FIELDS) leave(i < WIFI_FIELDS ? Ev.WIFI_CFG : Ev.MQTT_CFG);
  conn.hooks.event(AppEvent.CONFIG, c);
  if (!old) dispatch(Ev.CFG);
}

// One input (In), with its arguments (types.ts says what `a` and `b` are for each). Boot says the
// state once, in the same words as every later change.
// It is the connection's entry while the file's function runs (src/conn/net.ts), so that the
// inputs its own effects give come here, not to the file's function, which would make the runner
// again beside this one.
export function step(state: NetState, input: In, a?: any, b?: any) {
  (conn = state).run = step;
  later = setTimeout;
  cancel = clearTimeout;
  if (input == In.START) {
    log("boot -> " + conn.nodeState);
    setConfig(a);
  } else if (input == In.CONFIG) setConfig(a);
  else if (input == In.LEFT) left();
  else if (input == In.MQTT_CLOSE) {
    // During a goodbye the close ends it: what follows is the leaving event's.
    if (conn.leaving || !conn.mqttOn) return left();
    conn.mqttOn = 0;
    fail("mqtt: " + a, conn.machine == St.ACTIVE && Ev.MQTT_LOST);
  } else if (input == In.JOINED) {
    // Exactly one per join, none after a stop.
    if (a == conn.generation) {
      stop();
      if (b) (conn.wifi.disconnect(), fail("wifi: " + (b == "bad_password" ? "wrong password" : b)));
      else ((conn.upGeneration = conn.generation), dispatch(Ev.WIFI_UP));
    }
  } else if (input == In.WIFI_GONE) {
    // Only a link that was up is lost.
    if (conn.upGeneration == conn.generation) (stop(), fail("wifi: lost (" + a + ")", Ev.WIFI_LOST));
  } else if (input == In.OFFLINE) leave(Ev.OFFLINE);
  else if (input == In.DROPPED) log("mqtt: dropped " + b + " bytes on " + a + ": too large");
  else {
    // A machine event as it is: CONNECT, TIMER, WATCHDOG, MQTT_UP.
    if (input == In.TIMER) conn.retryTimer = 0;
    if (input == In.WATCHDOG) {
      conn.watchdogTimer = 0;
      log((conn.lastError = "watchdog"));
      if (SET_LETTER) faulted("watchdog");
    }
    // A CONNACK for a connection no longer ours is not heard.
    if (input != In.MQTT_UP || conn.mqttOn) dispatch(input as number as Ev);
  }
}
