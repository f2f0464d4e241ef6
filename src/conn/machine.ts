// The connection state machine as data: a pure transition (state, event) -> {state, effects}. The
// runner performs the effects and owns every timer, so this file tests as a table.
import { NodeState } from "../app-hooks";

// s: the NodeState; cfg: a valid configuration is stored; hold: the user said offline() and the
// node waits for connect().
export interface MachineState {
  s: NodeState;
  cfg: boolean;
  hold: boolean;
}

// cfg: a valid config appeared (boot, or first config); wifiCfg / mqttCfg: Wi-Fi or broker settings
// changed; forget: config erased; connect / offline: the console commands; wifiUp: joined with an
// IP; wifiFail / mqttFail: an attempt failed (retry soon), wifiSlow / mqttSlow: failed for wrong
// credentials (retry slowly); wifiLost / mqttLost: an established link dropped; timer: the retry
// delay ran out; watchdog: no Active for too long.
export type MachineEvent =
  | "cfg" | "wifiCfg" | "mqttCfg" | "forget" | "connect" | "offline"
  | "wifiUp" | "wifiFail" | "wifiSlow" | "wifiLost"
  | "mqttUp" | "mqttFail" | "mqttSlow" | "mqttLost" | "timer" | "watchdog";

// Effects, one character each, run in order: w / W start / stop Wi-Fi, m / M start / stop MQTT,
// r / s arm the retry timer with the next backoff delay / the slow delay, 0 reset the backoff,
// h tell the user a configuration is needed.
export interface Step {
  state: MachineState;
  effects: string;
}

var RESTART = "MW0w";

export function transition(m: MachineState, e: MachineEvent): Step {
  var s = m.s;
  var cfg = m.cfg;
  var hold = m.hold;
  var fx = "";
  var off = s == "Offline";
  var linked = s == "LookingForBroker" || s == "Active";

  function go(to: NodeState, effects: string) {
    s = to;
    fx = effects;
  }

  if (e == "cfg") {
    cfg = true;
    if (off && !hold) go("Disconnected", "0w");
  } else if (e == "wifiCfg") {
    if (!off) go("Disconnected", RESTART);
  } else if (e == "mqttCfg") {
    if (linked) go("LookingForBroker", "M0m");
  } else if (e == "forget" || e == "offline") {
    if (e == "forget") cfg = false;
    hold = e == "offline";
    go("Offline", "MW");
  } else if (e == "connect") {
    hold = false;
    if (!cfg) fx = "h";
    else if (off) go("Disconnected", "0w");
  } else if (e == "watchdog") {
    if (!off && s != "Active") go("Disconnected", RESTART);
  } else if (s == "Disconnected") {
    if (e == "wifiUp") go("LookingForBroker", "0m");
    else if (e == "wifiFail") fx = "r";
    else if (e == "wifiSlow") fx = "s";
    else if (e == "timer") fx = "w";
  } else if (linked && e == "wifiLost") {
    go("Disconnected", "Mr");
  } else if (s == "LookingForBroker") {
    if (e == "mqttUp") go("Active", "0");
    else if (e == "mqttFail") fx = "r";
    else if (e == "mqttSlow") fx = "s";
    else if (e == "timer") fx = "m";
  } else if (s == "Active" && e == "mqttLost") {
    go("LookingForBroker", "r");
  }
  return { state: { s: s, cfg: cfg, hold: hold }, effects: fx };
}
