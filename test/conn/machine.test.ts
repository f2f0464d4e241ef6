import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { transition, stateName } from "../../src/conn/runner";
import { Fx, ROWS, TRANSITIONS } from "../../src/conn/machine.table";
import { Ev, St } from "../../src/conn/types";

const OFF = "Offline",
  DIS = "Disconnected",
  LFB = "LookingForBroker",
  ACT = "Active";
// Short state codes: the NodeState, then c (has config) and/or h (held by offline()). Offline with a
// config but not held is not a state: such a node leaves Offline at once.
const CODES: { [code: string]: St } = {
  [`${OFF}:`]: St.OFFLINE,
  [`${OFF}:h`]: St.HELD_EMPTY,
  [`${OFF}:ch`]: St.HELD,
  [`${DIS}:c`]: St.DISCONNECTED,
  [`${LFB}:c`]: St.LOOKING,
  [`${ACT}:c`]: St.ACTIVE
};
function st(code: string): St {
  assert.ok(code in CODES, code);
  return CODES[code];
}
// The events by the names the table uses (wifiFail and mqttFail are both a failed attempt).
const EV: { [name: string]: Ev } = {
  cfg: Ev.CFG,
  wifiCfg: Ev.WIFI_CFG,
  mqttCfg: Ev.MQTT_CFG,
  forget: Ev.FORGET,
  offline: Ev.OFFLINE,
  connect: Ev.CONNECT,
  watchdog: Ev.WATCHDOG,
  timer: Ev.TIMER,
  wifiUp: Ev.WIFI_UP,
  mqttUp: Ev.MQTT_UP,
  wifiFail: Ev.FAIL,
  mqttFail: Ev.FAIL,
  wifiSlow: Ev.SLOW,
  mqttSlow: Ev.SLOW,
  wifiLost: Ev.WIFI_LOST,
  mqttLost: Ev.MQTT_LOST
};

// Every state and every event, by name (const enums cannot be listed at run time).
const STATES: [string, St][] = [
  ["OFFLINE", St.OFFLINE],
  ["DISCONNECTED", St.DISCONNECTED],
  ["LOOKING", St.LOOKING],
  ["ACTIVE", St.ACTIVE],
  ["HELD_EMPTY", St.HELD_EMPTY],
  ["HELD", St.HELD]
];
const EVENTS: [string, Ev][] = [
  ["CFG", Ev.CFG],
  ["WIFI_CFG", Ev.WIFI_CFG],
  ["MQTT_CFG", Ev.MQTT_CFG],
  ["FORGET", Ev.FORGET],
  ["OFFLINE", Ev.OFFLINE],
  ["CONNECT", Ev.CONNECT],
  ["WATCHDOG", Ev.WATCHDOG],
  ["TIMER", Ev.TIMER],
  ["WIFI_UP", Ev.WIFI_UP],
  ["MQTT_UP", Ev.MQTT_UP],
  ["FAIL", Ev.FAIL],
  ["SLOW", Ev.SLOW],
  ["WIFI_LOST", Ev.WIFI_LOST],
  ["MQTT_LOST", Ev.MQTT_LOST]
];
const EFFECT_NAMES: { [c: string]: string } = {
  [Fx.WIFI_ON]: "wifiOn",
  [Fx.WIFI_OFF]: "wifiOff",
  [Fx.MQTT_ON]: "mqttOn",
  [Fx.MQTT_OFF]: "mqttOff",
  [Fx.RETRY]: "retry",
  [Fx.RETRY_SLOW]: "slow",
  [Fx.RESET_BACKOFF]: "reset",
  [Fx.HINT]: "hint"
};

// What the runner reads for a cell, as [next state, effects by name].
function step(s: St, e: Ev): [St, string] {
  const r = transition(s, e);
  assert.match(r, /^[0-5][wWmMrs0h]*$/, `state ${s}, event ${e}: ${JSON.stringify(r)}`);
  return [
    +r[0],
    r
      .slice(1)
      .split("")
      .map((c) => EFFECT_NAMES[c])
      .join(" ")
  ];
}

// The behaviour in the test's own words, written apart from the source's rows: every cell that
// changes the state or runs an effect, and some that must do nothing. [from, event, to, effects]
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
  [`${LFB}:c`, "offline", `${OFF}:ch`, "mqttOff wifiOff"],
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
  [`${LFB}:c`, "forget", `${OFF}:`, "mqttOff wifiOff hint"],
  [`${DIS}:c`, "forget", `${OFF}:`, "mqttOff wifiOff hint"],
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
      assert.deepEqual(step(st(from), EV[ev]), [st(to), fx]);
    });
  }

  it("lists every state and event (6 x 14 cells)", function () {
    assert.deepEqual(
      STATES.map((s) => s[1]),
      [0, 1, 2, 3, 4, 5]
    );
    assert.deepEqual(
      EVENTS.map((e) => e[1]),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    );
    assert.equal(EVENTS.length - 1, Ev.MQTT_LOST);
  });

  // All 84 cells, from the source's rows: what the runner reads (the packed string) is each row,
  // and a pair no row lists does nothing.
  for (const [sName, s] of STATES) {
    for (const [eName, e] of EVENTS) {
      const rows = ROWS.filter((r) => r[0] == s && r[1] == e);
      const expected: [St, string] = rows.length
        ? [rows[0][2], rows[0][3].map((c) => EFFECT_NAMES[c]).join(" ")]
        : [s, ""];
      it(`cell ${sName} x ${eName}: ${expected[0] == s ? "stays" : "-> " + STATES[expected[0]][0]}${expected[1] ? ", " + expected[1] : ""}`, function () {
        assert.ok(rows.length <= 1, "listed once at most");
        assert.deepEqual(step(s, e), expected);
      });
    }
  }

  // A row changed in the source must be changed in the test's table too.
  it("every source row that does something is in the test's own table", function () {
    const spec = new Set(TABLE.map(([from, ev, to, fx]) => [st(from), EV[ev], st(to), fx].join("/")));
    for (const [s, e, to, fx] of ROWS) {
      if (to == s && !fx.length) continue;
      const key = [s, e, to, fx.map((c) => EFFECT_NAMES[c]).join(" ")].join("/");
      assert.ok(spec.has(key), `${STATES[s][0]} x ${EVENTS[e][0]} is not in TABLE`);
    }
  });

  // npm test builds first: the runner's file as flashed holds the rows packed, as a literal.
  it("the build's packed form is the rows, one cell per state and event, baked into the runner's file", function () {
    assert.equal(TRANSITIONS.split("|").length, EVENTS.length);
    for (const row of TRANSITIONS.split("|")) assert.ok(row.split(",").length <= STATES.length, row);
    assert.ok(readFileSync("build/net.min.js", "latin1").includes(JSON.stringify(TRANSITIONS)), "build/net.min.js");
  });

  it("from every state, offline() stops both links and holds (keeping the config)", function () {
    for (const s of [DIS, LFB, ACT]) {
      const r = transition(st(s + ":c"), Ev.OFFLINE);
      assert.equal(+r[0], st(`${OFF}:ch`));
      assert.equal(r.slice(1), "MW");
    }
  });

  it("names every state by its NodeState", function () {
    assert.deepEqual([St.OFFLINE, St.DISCONNECTED, St.LOOKING, St.ACTIVE, St.HELD_EMPTY, St.HELD].map(stateName), [
      OFF,
      DIS,
      LFB,
      ACT,
      OFF,
      OFF
    ]);
  });
});
