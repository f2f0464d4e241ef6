// Espruino's ESP8266 `Wifi` module against a simulated access point. Joining takes 100-300 ms and
// succeeds only with the AP's SSID and password; failures call back "no_ap_found" or
// "bad_password" after emitting `disconnected` with the SDK's reason. When the AP goes away while
// joined, the station emits `disconnected` (reason "beacon_timeout"), then keeps retrying like the
// SDK (another `disconnected`, reason "no_ap_found", every retryMs) until the AP is back, when it
// rejoins by itself (`associated`, then `connected`). Open sockets go silent meanwhile (see net.ts).
// An AP without DHCP (`dhcp = false`) associates the station but never gives it an address: the
// join neither completes nor fails, as the SDK retries such failures silently.
// Test side (AccessPoint): apDown/apUp/configure, dhcp, calls, saveCalls, hostname, station, and
// upListeners (told when the AP goes down or comes back).
import { Env } from "./realm";
import { Runtime, Events } from "./runtime";
import { Clock, HOST_CLOCK } from "./clock";

export interface ApConfig {
  ssid: string;
  password: string;
  rssi?: number;
}

export interface WifiTiming {
  // Join delay range in ms (association + DHCP).
  joinMs?: [number, number];
  // Gap between the SDK's reconnection attempts after the AP vanished.
  retryMs?: number;
}

const IP = { ip: "192.168.1.42", mask: "255.255.255.0", gw: "192.168.1.1" };

type Station = "off" | "connecting" | "bad_password" | "no_ap_found" | "connect_failed" | "connected";

export class AccessPoint {
  up = true;
  // Whether the AP hands out addresses (see the header).
  dhcp = true;
  // Firmware calls, for tests: "connect <ssid>", "disconnect", "hostname <name>" in order (joins
  // count reconnection storms); Wifi.save() must never be used.
  calls: string[] = [];
  saveCalls = 0;
  hostname = "";
  station: Station = "off";
  // Called when the link drops or returns (net.ts silences or releases sockets).
  linkListeners: Array<(up: boolean) => void> = [];
  // Called when the AP itself goes away or comes back (apDown/apUp).
  upListeners: Array<(up: boolean) => void> = [];
  private joined: { ssid: string; password: string } | null = null;
  private timers: any[] = [];
  private wifi: any = null;
  private events: Events | null = null;
  private realm: Env | null = null;
  private readonly joinMs: [number, number];
  private readonly retryMs: number;

  constructor(
    public config: ApConfig,
    timing: WifiTiming = {},
    private readonly clock: Clock = HOST_CLOCK
  ) {
    this.joinMs = timing.joinMs || [100, 300];
    this.retryMs = timing.retryMs === undefined ? 3000 : timing.retryMs;
  }

  // ---- test side ------------------------------------------------------------------------------

  // The AP vanishes (power loss, out of range).
  apDown(): void {
    if (!this.up) return;
    this.up = false;
    for (const l of this.upListeners) l(false);
    if (this.station === "connected") {
      this.setLink(false);
      this.station = "connecting";
      this.emit("disconnected", { ssid: this.config.ssid, mac: this.mac(), reason: "beacon_timeout" });
      this.retry();
    }
  }

  apUp(): void {
    if (this.up) return;
    this.up = true;
    for (const l of this.upListeners) l(true);
  }

  // Changes the AP's SSID/password (takes effect for the next join).
  configure(config: Partial<ApConfig>): void {
    this.config = { ...this.config, ...config };
  }

  linkUp(): boolean {
    return this.station === "connected";
  }

  // ---- power -------------------------------------------------------------------------------------

  powerOn(realm: Env, runtime: Runtime, events: Events, mac: string): void {
    this.powerOff();
    this.realm = realm;
    this.events = events;
    this.macAddr = mac;
    this.wifi = this.module(realm, runtime);
  }

  // The radio is off: pending joins and retries vanish.
  powerOff(): void {
    this.cancelPending();
    if (this.station === "connected") this.setLink(false);
    this.station = "off";
    this.joined = null;
    this.wifi = null;
  }

  get moduleObject(): any {
    return this.wifi;
  }

  private macAddr = "5c:cf:7f:00:00:00";

  private mac(): string {
    return this.macAddr;
  }

  private later(ms: number, fn: () => void): void {
    const t = this.clock.setTimeout(() => {
      this.timers = this.timers.filter((x) => x !== t);
      fn();
    }, ms);
    this.timers.push(t);
  }

  private joinDelay(): number {
    const [a, b] = this.joinMs;
    return a + Math.floor(Math.random() * (b - a + 1));
  }

  private emit(event: string, details: any): void {
    if (this.wifi && this.events) this.events.emit(this.wifi, event, this.realm!.copy(details));
  }

  private setLink(up: boolean): void {
    for (const l of this.linkListeners) l(up);
  }

  private cancelPending(): void {
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers = [];
  }

  // The SDK keeps trying to rejoin the last AP after losing it.
  private retry(): void {
    this.later(this.retryMs, () => {
      if (!this.joined) return;
      if (this.up && this.joined.ssid === this.config.ssid && this.joined.password === this.config.password) {
        this.associate();
        return;
      }
      this.station = "no_ap_found";
      this.emit("disconnected", { ssid: this.joined.ssid, mac: this.mac(), reason: "no_ap_found" });
      this.retry();
    });
  }

  private associate(): void {
    this.station = "connected";
    this.emit("associated", { ssid: this.config.ssid, mac: this.mac(), channel: 6 });
    this.setLink(true);
    this.emit("connected", IP);
  }

  private connect(
    ssid: string,
    password: string,
    cb: ((err: string | null) => void) | undefined,
    runtime: Runtime
  ): void {
    this.calls.push("connect " + ssid);
    this.cancelPending();
    if (this.station === "connected") {
      this.setLink(false);
      this.emit("disconnected", {
        ssid: this.joined ? this.joined.ssid : ssid,
        mac: this.mac(),
        reason: "assoc_leave"
      });
    }
    this.station = "connecting";
    this.joined = null;
    const done = (err: string | null) => {
      if (typeof cb === "function") runtime.defer(() => runtime.call(cb, this.wifi, [err]));
    };
    this.later(this.joinDelay(), () => {
      if (!this.up || ssid !== this.config.ssid) {
        this.station = "no_ap_found";
        this.emit("disconnected", { ssid, mac: this.mac(), reason: "no_ap_found" });
        return done("no_ap_found");
      }
      if (password !== this.config.password) {
        this.station = "bad_password";
        this.emit("disconnected", { ssid, mac: this.mac(), reason: "auth_failed" });
        return done("bad_password");
      }
      if (!this.dhcp) return this.emit("associated", { ssid, mac: this.mac(), channel: 6 });
      this.joined = { ssid, password };
      this.associate();
      done(null);
    });
  }

  private disconnect(cb: any, runtime: Runtime): void {
    this.calls.push("disconnect");
    this.cancelPending();
    const was = this.station;
    this.station = "off";
    const ssid = this.joined ? this.joined.ssid : "";
    this.joined = null;
    if (was === "connected") {
      this.setLink(false);
      this.emit("disconnected", { ssid, mac: this.mac(), reason: "assoc_leave" });
    }
    if (typeof cb === "function") runtime.defer(() => runtime.call(cb, this.wifi, []));
  }

  private module(realm: Env, runtime: Runtime): any {
    const ap = this;
    const guard = () => runtime.check();
    return realm.obj({
      connect(ssid: any, options: any, cb?: any) {
        guard();
        if (typeof options === "function") {
          cb = options;
          options = {};
        }
        const password = options && options.password !== undefined ? String(options.password) : "";
        ap.connect(String(ssid), password, cb, runtime);
      },
      disconnect(cb?: any) {
        guard();
        ap.disconnect(cb, runtime);
      },
      getStatus(cb?: any) {
        guard();
        const s = realm.copy({
          station: ap.station,
          ap: "disabled",
          mode: ap.station === "off" ? "off" : "sta",
          phy: "11n",
          powersave: "ps-poll",
          savedMode: "off"
        });
        if (typeof cb === "function") runtime.defer(() => runtime.call(cb, null, [s]));
        return s;
      },
      getIP(cb?: any) {
        guard();
        const on = ap.station === "connected";
        const ip = realm.copy({
          ip: on ? IP.ip : "0.0.0.0",
          netmask: on ? IP.mask : "0.0.0.0",
          gw: on ? IP.gw : "0.0.0.0",
          mac: ap.mac()
        });
        if (typeof cb === "function") runtime.defer(() => runtime.call(cb, null, [ip]));
        return ip;
      },
      getDetails(cb?: any) {
        guard();
        const on = ap.station === "connected";
        // As on the board, the details include the password of the joined network.
        const d = realm.copy(
          on
            ? {
                status: ap.station,
                rssi: ap.config.rssi === undefined ? -58 : ap.config.rssi,
                ssid: ap.joined!.ssid,
                password: ap.joined!.password,
                mode: "sta",
                savedSsid: null
              }
            : { status: ap.station, mode: ap.station === "off" ? "off" : "sta", savedSsid: null }
        );
        if (typeof cb === "function") runtime.defer(() => runtime.call(cb, null, [d]));
        return d;
      },
      setHostname(name: any, cb?: any) {
        guard();
        ap.hostname = String(name);
        ap.calls.push("hostname " + ap.hostname);
        if (typeof cb === "function") runtime.defer(() => runtime.call(cb, null, []));
      },
      save() {
        guard();
        ap.saveCalls++;
      }
    });
  }
}
