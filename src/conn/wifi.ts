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

export function wifiLink(wifi: WifiModule): WifiLink {
  // Every stop() starts a new generation: callbacks of older attempts are ignored, and the link
  // counts as up only while `upGen` is the current one. The join timeout's id while pending, else 0
  // (Espruino throws on clearing an unknown id; clearTimeout(undefined) clears every timer).
  var gen = 0;
  var upGen = -1;
  var timer: any = 0;

  function stop() {
    gen++;
    if (timer) timer = clearTimeout(timer);
  }

  var link = {
    up: function (c, done) {
      stop();
      var my = gen;
      function end(err: string | null) {
        if (my != gen) return;
        stop();
        if (err) wifi.disconnect();
        else upGen = gen;
        done(err);
      }
      timer = setTimeout(function () {
        timer = 0;
        end("timeout");
      }, JOIN_TIMEOUT);
      wifi.setHostname(c.id);
      wifi.connect(c.ssid, { password: c.password }, end);
    },
    down: function () {
      stop();
      wifi.disconnect();
    }
  } as WifiLink;
  wifi.on("disconnected", function (d) {
    if (upGen != gen) return;
    stop();
    link.onLost(d.reason);
  });
  return link;
}
