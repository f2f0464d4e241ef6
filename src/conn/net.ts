// The part of the connection that stays in RAM: its state (NetState) and one entry function. The
// runner's code, with the Wi-Fi link (src/conn/runner.ts), is loaded for each
// input (a timer, a callback of the links, a console command) and dropped once it has handled it:
// the node changes state a few times a day, and those 22 functions would otherwise stay in RAM.
// Inputs raised while it runs (the links call back synchronously) go to the same loaded code at
// once, as calls into resident code would.
import { AppEvent } from "../app-hooks";
import { NET_FILE, SET_LETTER } from "../config";
import { MqttClient } from "../mqtt/api";
import { In, NetState, St, Step } from "./types";

// What the firmware lends: the state's first fields.
export type NetDeps = Pick<NetState, "wifi" | "mqtt" | "hooks" | "print">;

// One connection per firmware: its state lives at module level (on Espruino a nested function
// costs about 3 variables more than one at module level).
var conn: NetState;
// Evaluates a Storage file of code (the firmware's, which says when it is missing).
var load: (file: string) => Step | undefined;

// The client's TICK (4 MB boards) goes to the app at once: twice a second, never through the
// runner's file.
function input(i: In, a?: any, b?: any) {
  var run: Step | 0 | undefined = conn.run;
  if (SET_LETTER && i == In.TICK) return conn.hooks.event(AppEvent.TICK);
  if (run) return run(conn, i, a, b);
  if (!(run = load(NET_FILE))) return;
  conn.run = run;
  try {
    run(conn, i, a, b);
  } finally {
    conn.run = run = 0;
  }
  // The app subscribes and announces itself (status, info, Home Assistant's discovery: a few hundred
  // bytes of JSON and packets) once the runner's code is dropped: both at once were the firmware's
  // peak of RAM.
  if (conn.arrived) {
    conn.arrived = 0;
    if (conn.machine == St.ACTIVE) conn.hooks.event(AppEvent.ACTIVE, conn.mqtt);
  }
}

// The Wi-Fi module's "disconnected", as an input (the MQTT client's events are inputs as they are).
function onWifiGone(details: { reason: string }) {
  input(In.WIFI_GONE, details.reason);
}

// Starts the connection afresh, Offline, in the deps object itself (it becomes the state);
// `conn.input(In.START, config)` boots it. What is missing is unset: no timer pending, no goodbye
// under way, no link up. The retry timer's field is there from the start, as the first Active
// already has the others: a field added on the first reconnect would read as growth.
export function createNet(d: NetDeps, loader: (file: string) => Step | undefined): NetState {
  load = loader;
  conn = Object.assign(d, {
    input: input,
    machine: St.OFFLINE,
    nodeState: "Offline",
    tries: 0,
    retryTimer: 0,
    drops: 0,
    lastError: "",
    generation: 0
  }) as NetState;
  // Each MqttEvent is the In of the same number (see In).
  d.mqtt.onEvent = input as unknown as MqttClient["onEvent"];
  d.mqtt.onMessage = d.hooks.onMessage;
  d.wifi.on("disconnected", onWifiGone);
  d.hooks.event(AppEvent.STATE, conn.nodeState);
  return conn;
}
