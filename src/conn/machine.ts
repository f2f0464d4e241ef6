// The connection state machine as data: a pure transition (state, event) -> {state, effects}. The
// runner performs the effects and owns every timer, so this file tests as a table.

// The machine's states. Offline comes in three: OFFLINE (no valid configuration yet: one leaves it),
// HELD (the user said offline(): the node waits for connect()) and HELD_EMPTY (held, and without a
// configuration). The others always have a configuration. NAMES gives each its NodeState.
export const enum St { OFFLINE, DISCONNECTED, LOOKING, ACTIVE, HELD_EMPTY, HELD }
export var NAMES = ["Offline", "Disconnected", "LookingForBroker", "Active", "Offline", "Offline"];

// CFG: a valid config appeared (boot, or first config); WIFI_CFG / MQTT_CFG: Wi-Fi or broker
// settings changed; FORGET: config erased; OFFLINE / CONNECT: the console commands; WATCHDOG: no
// Active for too long; TIMER: the retry delay ran out; WIFI_UP: joined with an IP; MQTT_UP:
// CONNACK accepted; FAIL: the attempt under way failed (retry soon), SLOW: it failed for wrong
// credentials (retry slowly); WIFI_LOST / MQTT_LOST: an established link dropped (keep them last:
// the runner counts events from WIFI_LOST on as drops).
export const enum Ev { CFG, WIFI_CFG, MQTT_CFG, FORGET, OFFLINE, CONNECT, WATCHDOG, TIMER, WIFI_UP, MQTT_UP, FAIL, SLOW, WIFI_LOST, MQTT_LOST }

// Effects, one character each, run in order: w / W start / stop Wi-Fi, m / M start / stop MQTT,
// r / s arm the retry timer with the next backoff delay / the slow delay, 0 reset the backoff,
// h tell the user a configuration is needed.
export interface Step {
  state: St;
  effects: string;
}

// One row per Ev, one column per St: the next state's number followed by the effects; empty:
// nothing happens.
var TABLE = [
  /* CFG       */ "10w,,,,5",
  /* WIFI_CFG  */ ",1MW0w,1MW0w,1MW0w",
  /* MQTT_CFG  */ ",,2M0m,2M0m",
  /* FORGET    */ "0MW,0MW,0MW,0MW,0MW,0MW",
  /* OFFLINE   */ "4MW,5MW,5MW,5MW,4MW,5MW",
  /* CONNECT   */ "0h,,,,0h,10w",
  /* WATCHDOG  */ ",1MW0w,1MW0w",
  /* TIMER     */ ",1w,2m",
  /* WIFI_UP   */ ",20m",
  /* MQTT_UP   */ ",,30",
  /* FAIL      */ ",1r,2r",
  /* SLOW      */ ",1s,2s",
  /* WIFI_LOST */ ",,1Mr,1Mr",
  /* MQTT_LOST */ ",,,2r"
];

export function transition(s: St, e: Ev): Step {
  var to = TABLE[e].split(",")[s] || "";
  return { state: to ? +to[0] : s, effects: to.slice(1) };
}
