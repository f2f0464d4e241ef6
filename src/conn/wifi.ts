// A narrow Wi-Fi link over Espruino's ESP8266 Wifi module. It adds what the module lacks: a
// timeout on connect (some failures retry silently forever) and a single "lost" report for a
// link that was up. It never calls Wifi.save(): the password lives only in our own store.
import { WifiModule } from "../ports";

export var JOIN_TIMEOUT = 30000;

export interface WifiLink {
  // Joins; done(null) once there is an IP, else done(reason): "bad_password", "no_ap_found",
  // "connect_failed" or "timeout". Exactly one call per up(), none after down().
  up(ssid: string, password: string, hostname: string, done: (err: string | null) => void): void;
  down(): void;
  // A link that was up dropped; reason as in the module's "disconnected" event.
  onLost: (reason: string) => void;
  ip(): string;
  rssi(): number | undefined;
}

export function wifiLink(wifi: WifiModule): WifiLink {
  // gen invalidates callbacks of an attempt that was timed out or stopped.
  var gen = 0;
  var isUp = false;
  // The join timeout's id while pending, else 0 (see runner.ts on clearTimeout).
  var timer: any = 0;

  function stop() {
    gen++;
    isUp = false;
    if (timer) timer = clearTimeout(timer);
  }

  var link: WifiLink = {
    onLost: function () {},
    up: function (ssid, password, hostname, done) {
      stop();
      var my = gen;
      function end(err: string | null) {
        if (my != gen) return;
        if (timer) timer = clearTimeout(timer);
        if (err) {
          gen++;
          wifi.disconnect();
        } else isUp = true;
        done(err);
      }
      timer = setTimeout(function () {
        timer = 0;
        end("timeout");
      }, JOIN_TIMEOUT);
      try {
        wifi.setHostname(hostname);
      } catch (e) {}
      wifi.connect(ssid, { password: password }, function (err) {
        end(err || null);
      });
    },
    down: function () {
      stop();
      wifi.disconnect();
    },
    ip: function () {
      return wifi.getIP().ip;
    },
    rssi: function () {
      return wifi.getDetails().rssi;
    }
  };
  wifi.on("disconnected", function (d: any) {
    if (!isUp) return;
    stop();
    link.onLost((d && d.reason) || "?");
  });
  return link;
}
