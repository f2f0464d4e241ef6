// A narrow Wi-Fi link over Espruino's ESP8266 Wifi module, part of the runner's code. It adds what
// the module lacks: a timeout on join (some failures retry silently forever) and a single "lost"
// report for a link that was up. It never calls Wifi.save(): the password lives only in our own
// store. Its state lives in the NetState; the module's callbacks come back as inputs (JOINED,
// WIFI_GONE), through the firmware's entry, since this code is not kept between them.
import { Config } from "../config";
import { In, NetState } from "./types";

var JOIN_TIMEOUT = 30000;

function stop(x: NetState) {
  x.gen++;
  if (x.joinT) x.joinT = clearTimeout(x.joinT);
}

// Joins c.ssid with c.password as host c.id. The attempt ends as JOINED with its generation and
// null once there is an IP, else the reason: "bad_password", "no_ap_found", "connect_failed" or
// "timeout".
export function up(x: NetState, c: Config) {
  stop(x);
  x.joinT = setTimeout(x.input, JOIN_TIMEOUT, In.JOINED, x.gen, "timeout");
  x.wifi.setHostname(c.id);
  x.wifi.connect(c.ssid, { password: c.password }, x.input.bind(null, In.JOINED, x.gen));
}

export function down(x: NetState) {
  stop(x);
  x.wifi.disconnect();
}

// JOINED: true when it ends the current attempt (exactly one per up(), none after down()).
export function joined(x: NetState, my: number, err: string | null) {
  if (my != x.gen) return false;
  stop(x);
  if (err) x.wifi.disconnect();
  else x.upGen = x.gen;
  return true;
}

// WIFI_GONE: true when a link that was up dropped.
export function gone(x: NetState) {
  if (x.upGen != x.gen) return false;
  stop(x);
  return true;
}
