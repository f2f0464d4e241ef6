// The global console commands: setup(), config(), status(), offline(), connect(), forget(), help().
// Each prints a clear result or error; no output ever holds a password.
import { Config } from "../config";
import { Runner } from "../conn/runner";
import { WifiLink } from "../conn/wifi";
import { Print } from "../ports";
import { ConfigStore } from "../store/config-store";
import { Serial, wizard } from "./wizard";

export interface ConsoleDeps {
  store: ConfigStore;
  runner: Runner;
  wifi: WifiLink;
  print: Print;
  serial: Serial;
  // Turns Espruino's network console on or off.
  telnet(on: boolean): void;
  // Free memory, in variables.
  free(): number;
  // Milliseconds since boot.
  uptime(): number;
}

export function commands(d: ConsoleDeps, cur: Config | undefined) {
  var p = d.print;
  var run = d.runner;

  // A copy of the current configuration (or of the defaults), to change before saving.
  function copy(): any {
    return (Object as any).assign({}, cur || d.store.defaults());
  }

  // Sets the given fields on a copy, saves it if the whole is valid, and only then applies it;
  // true once saved. The store names the first broken rule (also of an unknown field).
  function save(ch: any) {
    var c = copy();
    var e: string | undefined = "config: pass {key: value, ...}";
    if (ch && typeof ch == "object") {
      e = d.store.save((Object as any).assign(c, ch));
    }
    if (e) {
      p("error: " + e + " (nothing saved)");
      return false;
    }
    p("saved");
    if (c.telnet != !!(cur && cur.telnet)) {
      d.telnet(c.telnet);
      if (c.telnet) p("warning: telnet on: open to the LAN");
    }
    run.setConfig((cur = c));
    return true;
  }

  return {
    config: function (ch?: any) {
      if (ch !== undefined) return void save(ch);
      var c = copy();
      if (c.password) c.password = "***";
      if (c.pass) c.pass = "***";
      p(JSON.stringify(c) + (cur ? "" : " (not saved)"));
    },
    setup: function () {
      wizard(d.serial, copy(), function (answers: any) {
        if (save(answers)) run.connect();
      });
    },
    status: function () {
      var c: any = cur || {};
      p(JSON.stringify({
        state: run.state(), ssid: c.ssid, ip: d.wifi.ip(), rssi: d.wifi.rssi(), broker: c.broker, port: c.port,
        uptime: Math.round(d.uptime() / 1000), drops: run.drops, error: run.error, free: d.free()
      }));
    },
    offline: run.offline,
    connect: run.connect,
    forget: function () {
      d.store.erase();
      run.setConfig((cur = undefined));
      p("forgotten");
    },
    help: function () {
      p("setup() config() config({key: value, ...}) status() offline() connect() forget() help()");
    }
  };
}
