// The global console commands: setup(), config(), status(), offline(), connect(), forget(), help().
// Each prints a clear result or error; no output ever holds a password.
import { Config } from "../config";
import { Runner } from "../conn/runner";
import { WifiLink } from "../conn/wifi";
import { Print } from "../ports";
import { ConfigStore } from "../store/config-store";
import { checkField } from "../store/validate";
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

  function base(): any {
    var c: any = {};
    var from: any = cur || d.store.defaults();
    for (var k in from) c[k] = from[k];
    return c;
  }

  // Validates every given field, saves the whole, and only then applies it; true once saved.
  function save(ch: any) {
    var c = base();
    var e = typeof ch != "object" || !ch ? "config: pass an object, e.g. config({ssid:\"x\"})" : undefined;
    for (var k in ch) if (!e) e = checkField(k, (c[k] = ch[k]));
    e = e || d.store.save(c);
    if (e) {
      p("error: " + e + " (nothing saved)");
      return false;
    }
    p("saved");
    if (c.telnet != (cur ? cur.telnet : false)) {
      d.telnet(c.telnet);
      if (c.telnet) p("warning: telnet on: anyone on the LAN gets this console");
    }
    cur = c;
    d.runner.setConfig(c);
    return true;
  }

  return {
    config: function (ch?: any) {
      if (ch !== undefined) return void save(ch);
      var c = base();
      if (c.password) c.password = "***";
      if (c.pass) c.pass = "***";
      p(JSON.stringify(c) + (cur ? "" : " (not saved)"));
    },
    setup: function () {
      wizard(d.serial, base(), function (answers: any) {
        if (save(answers)) d.runner.connect();
      });
    },
    status: function () {
      var c: any = cur || {};
      var up = d.runner.state() != "Offline";
      p("state: " + d.runner.state() + ", ssid: " + (c.ssid || "-") + ", ip: " + (up ? d.wifi.ip() : "-") +
        ", rssi: " + (up ? d.wifi.rssi() : "-") + ", broker: " + (c.broker ? c.broker + ":" + c.port : "-") +
        ", uptime: " + Math.round(d.uptime() / 1000) + "s, drops: " + d.runner.drops +
        ", error: " + (d.runner.error || "-") + ", free: " + d.free());
    },
    offline: function () {
      d.runner.offline();
    },
    connect: function () {
      d.runner.connect();
    },
    forget: function () {
      d.store.erase();
      cur = undefined;
      d.runner.setConfig(undefined);
      p("forgotten");
    },
    help: function () {
      p("setup() config() config({ssid,password,broker,port,id,user,pass,topic,keepalive,telnet,mode,power,retained,discovery}) status() offline() connect() forget() help()");
    }
  };
}
