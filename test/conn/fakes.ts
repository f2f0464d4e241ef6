// A test double with the real API's shape: Espruino's Wifi module, an access point the test
// controls. (`net` over real TCP is test/support/node-net.ts.)
import { EventEmitter } from "node:events";
import { WifiModule } from "../../src/ports";

export class FakeWifi implements WifiModule {
  // What the access point does with the next connects: join, refuse the password, be absent, or
  // never answer (the module retries silently).
  ap: "ok" | "bad_password" | "no_ap_found" | "silent" = "ok";
  password = "";
  calls: string[] = [];
  status = "off";
  private ev = new EventEmitter();

  connect(ssid: string, options: { password?: string }, cb: (err: string | null) => void) {
    this.calls.push("connect " + ssid);
    this.status = "connecting";
    const ap = this.ap == "ok" && this.password && options.password !== this.password ? "bad_password" : this.ap;
    if (ap == "silent") return;
    setTimeout(() => {
      if (this.status != "connecting") return;
      this.status = ap == "ok" ? "connected" : ap;
      if (ap == "ok") this.ev.emit("connected", { ip: "192.168.4.2", mask: "255.255.255.0", gw: "192.168.4.1" });
      cb(ap == "ok" ? null : ap);
    }, 5);
  }
  disconnect(cb?: () => void) {
    this.calls.push("disconnect");
    const was = this.status;
    this.status = "off";
    if (was == "connected") this.ev.emit("disconnected", { ssid: "x", mac: "m", reason: "assoc_leave" });
    if (cb) setTimeout(cb, 0);
  }
  // The access point goes away under a joined station.
  drop(reason = "beacon_timeout") {
    this.status = "off";
    this.ev.emit("disconnected", { ssid: "x", mac: "m", reason });
  }
  getStatus() {
    return { station: this.status };
  }
  getIP() {
    return { ip: this.status == "connected" ? "192.168.4.2" : "0.0.0.0" };
  }
  getDetails() {
    return { rssi: -60, ssid: "x" };
  }
  setHostname(name: string) {
    this.calls.push("hostname " + name);
  }
  save() {
    throw new Error("Wifi.save() must never be called");
  }
  on(event: string, listener: (d: any) => void) {
    this.ev.on(event, listener);
  }
}
