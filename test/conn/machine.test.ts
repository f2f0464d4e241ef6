import { strict as assert } from "node:assert";
import { transition, MachineState, MachineEvent } from "../../src/conn/machine";

const OFF = "Offline", DIS = "Disconnected", LFB = "LookingForBroker", ACT = "Active";
// Short state codes: state name, then c (has config) and/or h (held by offline()).
function st(code: string): MachineState {
  const [s, flags = ""] = code.split(":");
  return { s: s as any, cfg: flags.includes("c"), hold: flags.includes("h") };
}

// [from, event, to, effects]
const TABLE: [string, MachineEvent, string, string][] = [
  // Boot / configuration
  [`${OFF}:`, "cfg", `${DIS}:c`, "reset wifiOn"],
  [`${OFF}:h`, "cfg", `${OFF}:ch`, ""],
  [`${OFF}:c`, "wifiCfg", `${OFF}:c`, ""],
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
  [`${OFF}:c`, "offline", `${OFF}:ch`, "mqttOff wifiOff"],
  [`${OFF}:ch`, "connect", `${DIS}:c`, "reset wifiOn"],
  [`${OFF}:h`, "connect", `${OFF}:`, "hint"],
  [`${OFF}:`, "connect", `${OFF}:`, "hint"],
  [`${ACT}:c`, "connect", `${ACT}:c`, ""],
  [`${ACT}:c`, "forget", `${OFF}:`, "mqttOff wifiOff"],
  [`${OFF}:ch`, "forget", `${OFF}:`, "mqttOff wifiOff"],
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
      const before = st(from);
      const copy = JSON.stringify(before);
      const r = transition(before, ev);
      assert.deepEqual(r.state, st(to));
      const names: any = { w: "wifiOn", W: "wifiOff", m: "mqttOn", M: "mqttOff", r: "retry", s: "slow", "0": "reset", h: "hint" };
      assert.equal(r.effects.split("").map((c) => names[c]).join(" "), fx);
      assert.equal(JSON.stringify(before), copy, "transition must not mutate its input");
    });
  }

  it("from every state, offline() stops both links and holds", function () {
    for (const s of [OFF, DIS, LFB, ACT]) {
      const r = transition(st(s + ":c"), "offline");
      assert.deepEqual(r.state, st(`${OFF}:ch`));
      assert.equal(r.effects, "MW");
    }
  });
});
