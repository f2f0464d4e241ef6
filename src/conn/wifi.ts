// A narrow Wi-Fi link over Espruino's ESP8266 Wifi module. It adds what the module lacks: a
// timeout on connect (some failures retry silently forever) and a single "lost" report for a
// link that was up. It never calls Wifi.save(): the password lives only in our own store.
import { Config } from "../config";
import { WifiModule } from "../ports";

var JOIN_TIMEOUT = 30000;

export interface WifiLink {
  // Joins c.ssid with c.password as host c.id; done(null) once there is an IP, else done(reason): "bad_password", "no_ap_found",
  // "connect_failed" or "timeout". Exactly one call per up(), none after down().
  up(c: Config, done: (err: string | null) => void): void;
  down(): void;
  // A link that was up dropped; reason as in the module's "disconnected" event. Set by the user.
  onLost: (reason: string) => void;
}

// One link per firmware: its state lives at module level and wifiLink() starts it afresh (on
// Espruino a nested function costs about 3 variables more than one at module level).
// Every stop() starts a new generation: callbacks of older attempts are ignored, and the link
// counts as up only while `upGen` is the current one. The join timeout's id while pending, else 0
// (clearTimeout(undefined) throws on Espruino).
var wifi: WifiModule;
var link: WifiLink;
var gen: number;
var upGen: number;
var timer: any;
var done: (err: string | null) => void;

function stop() {
  gen++;
  if (timer) timer = clearTimeout(timer);
}

// The end of the attempt of generation `my`: the module's callback, or the join timeout.
function end(my: number, err: string | null) {
  if (my != gen) return;
  stop();
  if (err) wifi.disconnect();
  else upGen = gen;
  done(err);
}

function up(c: Config, callback: (err: string | null) => void) {
  stop();
  done = callback;
  timer = setTimeout(end, JOIN_TIMEOUT, gen, "timeout");
  wifi.setHostname(c.id);
  wifi.connect(c.ssid, { password: c.password }, end.bind(null, gen));
}

function down() {
  stop();
  wifi.disconnect();
}

function onDisconnected(details: { reason: string }) {
  if (upGen != gen) return;
  stop();
  link.onLost(details.reason);
}

export function wifiLink(module: WifiModule): WifiLink {
  wifi = module;
  gen = timer = 0;
  upGen = -1;
  link = { up: up, down: down } as WifiLink;
  wifi.on("disconnected", onDisconnected);
  return link;
}
