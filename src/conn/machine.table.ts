// The connection's state machine as data: one row per state and event that does something. A
// pair not listed does nothing (the state stays, no effect runs). The runner (runner.ts) reads
// TRANSITIONS, the rows packed into one string; test/conn/machine.test.ts checks every one of the
// 84 state/event cells against these rows.
//
// Built at build time: a module whose name ends in ".table.ts" is run by scripts/build.mjs
// (bakeTables) and only the values it exports reach the board, as literals. So the rows, the
// names and pack() below cost the board nothing; keep this file free of Espruino's globals.
//
// Rules the runner applies around every step, outside the table (runner.ts, dispatch()):
//   - the retry cancelled: a step with any effect cancels a pending retry timer;
//   - the watchdog: armed while Disconnected or LookingForBroker, disarmed in every other state;
//   - drops counted: WIFI_LOST and MQTT_LOST each count one drop, in any state;
//   - the goodbye: OFFLINE, FORGET, WIFI_CFG and MQTT_CFG from Active wait until the app has
//     said goodbye to the broker (runner.ts, leave()).
import { Ev, St } from "./types";

// The effects, run in the order a row lists them; each is one character of the packed string.
export const enum Fx {
  // Join Wi-Fi with the configuration's ssid (a new attempt: callbacks of older ones are ignored).
  WIFI_ON = "w",
  // End the Wi-Fi attempt or link.
  WIFI_OFF = "W",
  // Connect to the broker (clean session; the client subscribes again itself).
  MQTT_ON = "m",
  // Disconnect from the broker (DISCONNECT once CONNECT went out: the broker drops the will).
  MQTT_OFF = "M",
  // Arm the retry timer with the next backoff delay (1 s doubling to 60 s).
  RETRY = "r",
  // Arm the retry timer with the slow delay (wrong credentials).
  RETRY_SLOW = "s",
  // Start the backoff again from its first delay.
  RESET_BACKOFF = "0",
  // Tell the user a configuration is needed ("no config: run setup()").
  HINT = "h"
}

// In state `from`, event `on` leads to state `to`, running `effects` in order.
type Row = [from: St, on: Ev, to: St, effects: Fx[]];

// Both links down and up again, from the first backoff delay.
const REJOIN = [Fx.MQTT_OFF, Fx.WIFI_OFF, Fx.RESET_BACKOFF, Fx.WIFI_ON];
// Both links down.
const STOP = [Fx.MQTT_OFF, Fx.WIFI_OFF];

export const ROWS: Row[] = [
  // A valid configuration appeared (boot with one, or the first one saved). Held, it is kept for connect().
  [St.OFFLINE, Ev.CFG, St.DISCONNECTED, [Fx.RESET_BACKOFF, Fx.WIFI_ON]],
  [St.HELD_EMPTY, Ev.CFG, St.HELD, []],

  // New Wi-Fi settings (ssid, password) rejoin; new broker settings reconnect MQTT, which only
  // matters once on Wi-Fi. Held, nothing runs: connect() uses the new ones.
  [St.DISCONNECTED, Ev.WIFI_CFG, St.DISCONNECTED, REJOIN],
  [St.LOOKING, Ev.WIFI_CFG, St.DISCONNECTED, REJOIN],
  [St.ACTIVE, Ev.WIFI_CFG, St.DISCONNECTED, REJOIN],
  [St.LOOKING, Ev.MQTT_CFG, St.LOOKING, [Fx.MQTT_OFF, Fx.RESET_BACKOFF, Fx.MQTT_ON]],
  [St.ACTIVE, Ev.MQTT_CFG, St.LOOKING, [Fx.MQTT_OFF, Fx.RESET_BACKOFF, Fx.MQTT_ON]],

  // forget(): from every state, both links down, Offline without a configuration.
  [St.OFFLINE, Ev.FORGET, St.OFFLINE, [Fx.MQTT_OFF, Fx.WIFI_OFF, Fx.HINT]],
  [St.DISCONNECTED, Ev.FORGET, St.OFFLINE, [Fx.MQTT_OFF, Fx.WIFI_OFF, Fx.HINT]],
  [St.LOOKING, Ev.FORGET, St.OFFLINE, [Fx.MQTT_OFF, Fx.WIFI_OFF, Fx.HINT]],
  [St.ACTIVE, Ev.FORGET, St.OFFLINE, [Fx.MQTT_OFF, Fx.WIFI_OFF, Fx.HINT]],
  [St.HELD_EMPTY, Ev.FORGET, St.OFFLINE, [Fx.MQTT_OFF, Fx.WIFI_OFF, Fx.HINT]],
  [St.HELD, Ev.FORGET, St.OFFLINE, [Fx.MQTT_OFF, Fx.WIFI_OFF, Fx.HINT]],

  // offline(): from every state, both links down, held (with or without a configuration).
  [St.OFFLINE, Ev.OFFLINE, St.HELD_EMPTY, STOP],
  [St.DISCONNECTED, Ev.OFFLINE, St.HELD, STOP],
  [St.LOOKING, Ev.OFFLINE, St.HELD, STOP],
  [St.ACTIVE, Ev.OFFLINE, St.HELD, STOP],
  [St.HELD_EMPTY, Ev.OFFLINE, St.HELD_EMPTY, STOP],
  [St.HELD, Ev.OFFLINE, St.HELD, STOP],

  // connect(): ends the hold; without a configuration it can only say one is needed.
  [St.OFFLINE, Ev.CONNECT, St.OFFLINE, [Fx.HINT]],
  [St.HELD_EMPTY, Ev.CONNECT, St.OFFLINE, [Fx.HINT]],
  [St.HELD, Ev.CONNECT, St.DISCONNECTED, [Fx.RESET_BACKOFF, Fx.WIFI_ON]],

  // No Active for WATCHDOG ms: start both links afresh.
  [St.DISCONNECTED, Ev.WATCHDOG, St.DISCONNECTED, REJOIN],
  [St.LOOKING, Ev.WATCHDOG, St.DISCONNECTED, REJOIN],

  // The retry delay ran out: try again the link that failed.
  [St.DISCONNECTED, Ev.TIMER, St.DISCONNECTED, [Fx.WIFI_ON]],
  [St.LOOKING, Ev.TIMER, St.LOOKING, [Fx.MQTT_ON]],

  // Joined with an IP address: on to the broker; CONNACK accepted: Active.
  [St.DISCONNECTED, Ev.WIFI_UP, St.LOOKING, [Fx.RESET_BACKOFF, Fx.MQTT_ON]],
  [St.LOOKING, Ev.MQTT_UP, St.ACTIVE, [Fx.RESET_BACKOFF]],

  // The attempt under way failed: retry soon, or slowly for wrong credentials.
  [St.DISCONNECTED, Ev.FAIL, St.DISCONNECTED, [Fx.RETRY]],
  [St.LOOKING, Ev.FAIL, St.LOOKING, [Fx.RETRY]],
  [St.DISCONNECTED, Ev.SLOW, St.DISCONNECTED, [Fx.RETRY_SLOW]],
  [St.LOOKING, Ev.SLOW, St.LOOKING, [Fx.RETRY_SLOW]],

  // An established link dropped: Wi-Fi takes MQTT with it; the broker alone is looked for again.
  [St.LOOKING, Ev.WIFI_LOST, St.DISCONNECTED, [Fx.MQTT_OFF, Fx.RETRY]],
  [St.ACTIVE, Ev.WIFI_LOST, St.DISCONNECTED, [Fx.MQTT_OFF, Fx.RETRY]],
  [St.ACTIVE, Ev.MQTT_LOST, St.LOOKING, [Fx.RETRY]]
];

// The rows as the runner reads them: per Ev (in Ev's order, separated by "|"), per St (in St's
// order, by ","), the next state's digit then the effects' characters; a pair not listed is
// empty (holes in the array join as ""), and empty cells at a row's end are left out. A row the
// same in every state (forget()) is one cell, without a comma. A string in the code stays in flash, where
// a table of arrays would be built in RAM at each run of the runner.
function pack(rows: Row[]): string {
  var cells: string[][] = [];
  var e: number;
  for (e = 0; e <= Ev.MQTT_LOST; e++) cells.push([]);
  rows.forEach(function (row) {
    var cell = cells[row[1]];
    if (cell[row[0]] !== undefined)
      throw new Error("machine: state " + row[0] + " and event " + row[1] + " listed twice");
    cell[row[0]] = row[2] + row[3].join("");
  });
  return cells
    .map(function (cell) {
      // A row the same in every state is written once.
      var same =
        cell.length == St.HELD + 1 &&
        cell.every(function (c) {
          return c == cell[0];
        });
      var packed = cell.join(",").replace(/,+$/, "");
      // A row of Offline's cell alone keeps a comma, not to be read as the same in every state.
      return same ? cell[0] : packed.indexOf(",") < 0 && packed ? packed + "," : packed;
    })
    .join("|");
}

export const TRANSITIONS = pack(ROWS);
