import { strict as assert } from "node:assert";
import { transition, stateName } from "../../src/conn/runner";
import { Ev, St } from "../../src/conn/types";

const OFF = "Offline", DIS = "Disconnected", LFB = "LookingForBroker", ACT = "Active";
// Short state codes: the NodeState, then c (has config) and/or h (held by offline()). Offline with a
// config but not held is not a state: such a node leaves Offline at once.
const CODES: { [code: string]: St } = {
  [`${OFF}:`]: St.OFFLINE, [`${OFF}:h`]: St.HELD_EMPTY, [`${OFF}:ch`]: St.HELD,
  [`${DIS}:c`]: St.DISCONNECTED, [`${LFB}:c`]: St.LOOKING, [`${ACT}:c`]: St.ACTIVE
};
function st(code: string): St {
  assert.ok(code in CODES, code);
  return CODES[code];
}
// The events by the names the table uses (wifiFail and mqttFail are both a failed attempt).
const EV: { [name: string]: Ev } = {
  cfg: Ev.CFG, wifiCfg: Ev.WIFI_CFG, mqttCfg: Ev.MQTT_CFG, forget: Ev.FORGET, offline: Ev.OFFLINE, connect: Ev.CONNECT,
  watchdog: Ev.WATCHDOG, timer: Ev.TIMER, wifiUp: Ev.WIFI_UP, mqttUp: Ev.MQTT_UP, wifiFail: Ev.FAIL, mqttFail: Ev.FAIL,
  wifiSlow: Ev.SLOW, mqttSlow: Ev.SLOW, wifiLost: Ev.WIFI_LOST, mqttLost: Ev.MQTT_LOST
};

// [from, event, to, effects]
const TABLE: [string, string, string, string][] = [
  // Boot / configuration
  [`${OFF}:`, "cfg", `${DIS}:c`, "reset wifiOn"],
  [`${OFF}:h`, "cfg", `${OFF}:ch`, ""],
  [`${DIS}:c`, "wifiCfg", `${DIS}:c`, "mqttOff wifiOff reset wifiOn"],
  [`${LFB}:c`, "wifiCfg", `${DIS}:c`, "mqttOff wifiOff reset wifiOn"],
  [`${ACT}:c`, "wifiCfg", `${DIS}:c`, "mqttOff wifiOff reset wifiOn"],
  [`${ACT}:c`, "mqttCfg", `${LFB}:c`, "mqttOff reset mqttOn"],
  [`${LFB}:c`, "mqttCfg", `${LFB}:c`, "mqttOff reset mqttOn"],
  [`${DIS}:c`, "mqttCfg", `${DIS}:c`, ""],
  [`${OFF}:ch`, "mqttCfg", `${OFF}:ch`, ""],
  // Console commands
  [`${ACT}:c`, "offline", `${OFF}:ch`, "mqttOff wifiOff"],
  [`${DIS}:c`, "offline", `${OFF}:ch`, "mqttOff wifiOff"],
  [`${OFF}:`, "offline", `${OFF}:h`, "mqttOff wifiOff"],
  [`${OFF}:h`, "offline", `${OFF}:h`, "mqttOff wifiOff"],
  [`${OFF}:ch`, "offline", `${OFF}:ch`, "mqttOff wifiOff"],
  [`${OFF}:h`, "forget", `${OFF}:`, "mqttOff wifiOff hint"],
  [`${OFF}:`, "forget", `${OFF}:`, "mqttOff wifiOff hint"],
  [`${OFF}:ch`, "cfg", `${OFF}:ch`, ""],
  [`${OFF}:ch`, "wifiCfg", `${OFF}:ch`, ""],
  [`${DIS}:c`, "cfg", `${DIS}:c`, ""],
  [`${OFF}:ch`, "connect", `${DIS}:c`, "reset wifiOn"],
  [`${OFF}:h`, "connect", `${OFF}:`, "hint"],
  [`${OFF}:`, "connect", `${OFF}:`, "hint"],
  [`${ACT}:c`, "connect", `${ACT}:c`, ""],
  [`${ACT}:c`, "forget", `${OFF}:`, "mqttOff wifiOff hint"],
  [`${OFF}:ch`, "forget", `${OFF}:`, "mqttOff wifiOff hint"],
  // Wi-Fi
  [`${DIS}:c`, "wifiUp", `${LFB}:c`, "reset mqttOn"],
  [`${DIS}:c`, "wifiFail", `${DIS}:c`, "retry"],
  [`${DIS}:c`, "wifiSlow", `${DIS}:c`, "slow"],
  [`${DIS}:c`, "timer", `${DIS}:c`, "wifiOn"],
  [`${DIS}:c`, "wifiLost", `${DIS}:c`, ""],
  [`${LFB}:c`, "wifiLost", `${DIS}:c`, "mqttOff retry"],
  [`${ACT}:c`, "wifiLost", `${DIS}:c`, "mqttOff retry"],
  [`${OFF}:ch`, "wifiUp", `${OFF}:ch`, ""],
  [`${OFF}:ch`, "timer", `${OFF}:ch`, ""],
  [`${LFB}:c`, "wifiUp", `${LFB}:c`, ""],
  // Broker
  [`${LFB}:c`, "mqttUp", `${ACT}:c`, "reset"],
  [`${LFB}:c`, "mqttFail", `${LFB}:c`, "retry"],
  [`${LFB}:c`, "mqttSlow", `${LFB}:c`, "slow"],
  [`${LFB}:c`, "timer", `${LFB}:c`, "mqttOn"],
  [`${ACT}:c`, "mqttLost", `${LFB}:c`, "retry"],
  [`${ACT}:c`, "timer", `${ACT}:c`, ""],
  [`${DIS}:c`, "mqttUp", `${DIS}:c`, ""],
  [`${DIS}:c`, "mqttLost", `${DIS}:c`, ""],
  [`${OFF}:ch`, "mqttUp", `${OFF}:ch`, ""],
  // Watchdog
  [`${DIS}:c`, "watchdog", `${DIS}:c`, "mqttOff wifiOff reset wifiOn"],
  [`${LFB}:c`, "watchdog", `${DIS}:c`, "mqttOff wifiOff reset wifiOn"],
  [`${ACT}:c`, "watchdog", `${ACT}:c`, ""],
  [`${OFF}:ch`, "watchdog", `${OFF}:ch`, ""]
];

describe("conn/machine", function () {
  for (const [from, ev, to, fx] of TABLE) {
    it(`${from} --${ev}--> ${to} [${fx}]`, function () {
      const r = transition(st(from), EV[ev]);
      assert.equal(+r[0], st(to));
      const names: any = { w: "wifiOn", W: "wifiOff", m: "mqttOn", M: "mqttOff", r: "retry", s: "slow", "0": "reset", h: "hint" };
      assert.equal(r.slice(1).split("").map((c) => names[c]).join(" "), fx);
    });
  }

  it("from every state, offline() stops both links and holds (keeping the config)", function () {
    for (const s of [DIS, LFB, ACT]) {
      const r = transition(st(s + ":c"), Ev.OFFLINE);
      assert.equal(+r[0], st(`${OFF}:ch`));
      assert.equal(r.slice(1), "MW");
    }
  });

  it("names every state by its NodeState", function () {
    assert.deepEqual([St.OFFLINE, St.DISCONNECTED, St.LOOKING, St.ACTIVE, St.HELD_EMPTY, St.HELD].map(stateName), [OFF, DIS, LFB, ACT, OFF, OFF]);
  });
});
