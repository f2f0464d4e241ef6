// Espruino's `net` module on real TCP (node:net). Data crosses as 8-bit strings (one char per
// byte, 'latin1'), delivered in chunks of at most 536 bytes as the ESP8266 does. As on the board,
// a failed connection is reported asynchronously: 'error' ({code, message}) then 'close'.
// Without a Wi-Fi link connect() fails that way too. When the link drops, open sockets go
// silent (writes are swallowed, nothing arrives: the broker only notices by its keepalive) and
// report 'error' + 'close' after `silentCloseMs`, unlike a clean close.
// Test side (Network): connections (log), openCount, dropAll.
import { connect as tcpConnect, Socket as TcpSocket } from "node:net";
import { Env } from "./realm";
import { Clock, HOST_CLOCK } from "./clock";
import { Runtime, Events } from "./runtime";

const CHUNK = 536;

export interface NetOptions {
  // How long a socket stays silent after the Wi-Fi link dropped before it errors out.
  silentCloseMs?: number;
}

interface Open {
  tcp: TcpSocket;
  js: any;
  silent: boolean;
  closed: boolean;
  timer: any;
}

export class Network {
  readonly connections: Array<{ host: string; port: number; t: number }> = [];
  private open: Open[] = [];
  private readonly silentCloseMs: number;
  private runtime: Runtime | null = null;
  private events: Events | null = null;
  private realm: Env | null = null;

  constructor(
    private readonly linkUp: () => boolean,
    options: NetOptions = {},
    private readonly clock: Clock = HOST_CLOCK
  ) {
    this.silentCloseMs = options.silentCloseMs === undefined ? 10000 : options.silentCloseMs;
  }

  openCount(): number {
    return this.open.filter((o) => !o.closed).length;
  }

  // The link went down or came back (wifi.ts). Down silences every open socket.
  link(up: boolean): void {
    if (up) return;
    for (const o of this.open) {
      if (o.closed || o.silent) continue;
      o.silent = true;
      o.timer = this.clock.setTimeout(() => this.fail(o, -8, "connection aborted", true), this.silentCloseMs);
    }
  }

  // Test hook: every connection is reset by the peer.
  dropAll(): void {
    for (const o of this.open) o.tcp.resetAndDestroy();
  }

  powerOn(realm: Env, runtime: Runtime, events: Events): void {
    this.realm = realm;
    this.runtime = runtime;
    this.events = events;
  }

  // Power loss: connections vanish. `halfOpen` leaves the host sockets open but mute (the peer
  // learns nothing, as with a real power cut) until stop(); otherwise they are reset.
  powerOff(halfOpen = false): void {
    for (const o of this.open) {
      if (o.timer) this.clock.clearTimeout(o.timer);
      o.closed = true;
      o.tcp.removeAllListeners("data");
      if (!halfOpen) o.tcp.resetAndDestroy();
      else o.tcp.on("error", () => {});
    }
    if (!halfOpen) this.open = [];
  }

  // Closes everything, including half-open sockets left by powerOff(true).
  destroyAll(): void {
    for (const o of this.open) o.tcp.destroy();
    this.open = [];
  }

  module(): any {
    const realm = this.realm!;
    const runtime = this.runtime!;
    return realm.obj({
      connect: (options: any, cb?: any) => {
        runtime.check();
        return this.connect(options, cb);
      }
    });
  }

  private emit(o: Open, event: string, ...args: any[]): void {
    this.events!.emit(o.js, event, ...args);
  }

  private fail(o: Open, code: number, message: string, destroy: boolean): void {
    if (o.closed) return;
    o.closed = true;
    if (o.timer) this.clock.clearTimeout(o.timer);
    if (destroy) o.tcp.destroy();
    this.emit(o, "error", this.realm!.copy({ code, message }));
    this.emit(o, "close", true);
  }

  private connect(options: any, cb?: any): any {
    const realm = this.realm!;
    const host = String((options && options.host) || "localhost");
    const port = Number(options && options.port) || 80;
    this.connections.push({ host, port, t: Date.now() });
    const tcp = tcpConnect({ host, port });
    tcp.setNoDelay(true);
    const o: Open = { tcp, js: null, silent: false, closed: false, timer: null };
    o.js = realm.obj({
      write: (data: any) => {
        if (o.closed || o.silent) return false;
        tcp.write(Buffer.from(String(data), "latin1"));
        return true;
      },
      end: (data?: any) => {
        if (data !== undefined && !o.closed && !o.silent) tcp.write(Buffer.from(String(data), "latin1"));
        if (!o.closed && !o.silent) tcp.end();
      }
    });
    if (typeof cb === "function") this.events!.list(o.js, "connect").push(cb);
    this.open.push(o);
    if (!this.linkUp()) {
      tcp.destroy();
      this.clock.setTimeout(() => this.fail(o, -15, "not connected", false), 10);
      return o.js;
    }
    tcp.on("connect", () => {
      if (!o.closed) this.emit(o, "connect");
    });
    tcp.on("data", (buf: Buffer) => {
      if (o.closed || o.silent) return;
      for (let i = 0; i < buf.length; i += CHUNK)
        this.emit(o, "data", buf.toString("latin1", i, Math.min(buf.length, i + CHUNK)));
    });
    tcp.on("end", () => {
      if (!o.closed && !o.silent) this.emit(o, "end");
    });
    tcp.on("error", (err: any) => {
      const refused = err && err.code === "ECONNREFUSED";
      this.fail(o, refused ? -14 : -9, refused ? "connection refused" : "connection reset", false);
    });
    tcp.on("close", () => {
      this.open = this.open.filter((x) => x !== o);
      if (o.closed || o.silent) return;
      o.closed = true;
      this.emit(o, "close", false);
    });
    return o.js;
  }
}
