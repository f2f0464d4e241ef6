// The real-interpreter suite's board: Espruino built for Linux in the shape of an ESP8266
// (test/board/run.mjs picks the binary: BOARD_BIN, BOARD_SHAPE "4mb" or "1mb"), flashed with
// exactly build/storage/ and the fake board as .boot0, its console driven over telnet
// (bench/board/interpreter.ts), against the embedded broker (sim/broker.ts) and a phone client.
//
//   const b = await Board.start({fill: 900})   // broker, phone, interpreter flashed and booted
//   await b.configure()                         // config({...}) -> Active
//   await b.command("on")                       // the phone publishes, the relay follows
//   b.i                                         // the Interpreter: eval, type, waitFor, usage, kill...
//   await b.powerCut()                          // SIGKILL, then a boot on the same espruino.flash
//   b.firmwareUsage()                           // the firmware's variables (over interpreter + fake + filler)
//   await b.stop()
//
// With `fill`, a filler (.boot1, run before the firmware's .bootcde) leaves exactly that many
// variables free for the firmware: any peak above it prints OUT OF MEMORY, which fails the test.
import { strict as assert } from "node:assert";
import mqtt from "mqtt";
import { FAKE_BOARD, Interpreter, firmwareFiles } from "../../bench/board/interpreter";
import { startBroker, EmbeddedBroker } from "../../sim/broker";

export const SHAPE = process.env.BOARD_SHAPE || "";
export const BIN = process.env.BOARD_BIN || "";
export const TOPIC = "living_room_lights";
export const HA_STATUS = "homeassistant/status";
const PHONE_ID = "board-phone";
export const WIFI = { ssid: "board", password: "boardpass1" };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Mocha's describe for a shape: the suite runs once per interpreter, under test/board/run.mjs.
export function forShapes(shapes: string[], title: string, fn: (this: Mocha.Suite) => void): void {
  if (!BIN) describe(title, () => it("needs BOARD_BIN: run it through test/board/run.mjs", function () { this.skip(); }));
  else if (shapes.indexOf(SHAPE) >= 0) describe(`${title} (espruino-esp8266-${SHAPE})`, fn);
}

export interface BoardOptions {
  // Variables left free for the firmware by a filler (none: all of them).
  fill?: number;
  // Appended to the fake board (.boot0).
  fakeExtra?: string;
  // Extra environment for the interpreter (e.g. LD_PRELOAD).
  env?: NodeJS.ProcessEnv;
}

export class Board {
  i!: Interpreter;
  broker!: EmbeddedBroker;
  phone!: mqtt.MqttClient;
  // Every message the phone received: [topic, payload, retained].
  heard: [string, string, boolean][] = [];
  // The node's own connection on the broker (null while it has none).
  node: any = null;
  // Variables used by the interpreter, the fake and the filler, before the firmware.
  base = 0;
  total = 0;
  port = 0;

  static async start(options: BoardOptions = {}): Promise<Board> {
    const b = new Board();
    await b.startBroker(0);
    b.phone = mqtt.connect(b.broker.url, { clientId: PHONE_ID, reconnectPeriod: 100 });
    b.phone.on("error", () => {});
    b.phone.on("message", (topic, payload, packet) => b.heard.push([topic, payload.toString("latin1"), !!packet.retain]));
    b.phone.subscribe(TOPIC + "/#");
    b.phone.subscribe(TOPIC);
    b.phone.subscribe("homeassistant/#");
    b.i = new Interpreter(BIN, { env: options.env });
    await b.i.boot();
    b.total = await b.i.eval("process.memory().total");
    await b.i.writeFile(".boot0", FAKE_BOARD + (options.fakeExtra || ""));
    if (options.fill !== undefined) await b.fill(options.fill);
    await b.i.boot();
    b.base = await b.i.usage();
    if (options.fill !== undefined) assert.equal(b.total - b.base, options.fill, "the filler leaves exactly the variables asked for");
    for (const f of firmwareFiles()) await b.i.writeFile(f.name, f.data);
    await b.i.boot();
    await b.phoneReady();
    return b;
  }

  // Writes .boot1 so that, at the prompt with only the fake before it, `free` variables are left.
  private async fill(free: number): Promise<void> {
    await this.i.boot();
    const base = await this.i.usage();
    let n = this.total - base - free;
    for (let tries = 0; tries < 4; tries++) {
      await this.i.writeFile(".boot1", `var FILL=[];while(FILL.length<${n})FILL.push(0);`);
      await this.i.boot();
      const left = this.total - (await this.i.usage());
      if (left === free) return;
      n += left - free;
    }
    throw new Error(`board: could not leave exactly ${free} variables free`);
  }

  private async startBroker(port: number): Promise<void> {
    this.broker = await startBroker("127.0.0.1", port);
    this.port = this.broker.port;
    this.broker.aedes.on("client", (client: any) => {
      if (client.id !== PHONE_ID) this.node = client;
    });
    this.broker.aedes.on("clientDisconnect", (client: any) => {
      if (client === this.node) this.node = null;
    });
  }

  async phoneReady(ms = 10000): Promise<void> {
    const end = Date.now() + ms;
    while (!this.phone.connected) {
      if (Date.now() > end) throw new Error("the phone client did not connect");
      await sleep(10);
    }
  }

  // The firmware's own variables now (after a garbage collection).
  async firmwareUsage(): Promise<number> {
    return (await this.i.usage()) - this.base;
  }

  // Types config({...}) for the board's Wi-Fi and this broker; resolves once Active.
  async configure(extra = ""): Promise<void> {
    this.i.skip();
    this.i.line(`config({ssid:"${WIFI.ssid}",password:"${WIFI.password}",broker:"127.0.0.1",port:${this.port}${extra}})`);
    await this.i.waitFor(/saved/);
    await this.active();
  }

  // Resolves once the node says it is Active and the broker has its connection.
  async active(ms = 20000): Promise<void> {
    await this.i.waitFor(/-> Active/, ms);
    const end = Date.now() + ms;
    while (!this.node) {
      if (Date.now() > end) throw new Error("the node is Active but the broker has no connection from it");
      await sleep(5);
    }
  }

  publish(topic: string, payload: string, retain = false): Promise<void> {
    return new Promise((resolve, reject) =>
      this.phone.publish(topic, payload, { qos: 1, retain }, (e) => (e ? reject(e) : resolve()))
    );
  }

  // The phone sends a command; resolves with the relay's new level.
  async command(payload: string): Promise<number> {
    this.i.skip();
    await this.publish(TOPIC, payload);
    const m = await this.i.waitFor(/#R([01])/);
    return +m[1];
  }

  // Resolves with the first message heard on `topic` from now on.
  async hear(topic: string, ms = 10000): Promise<string> {
    const from = this.heard.length;
    const end = Date.now() + ms;
    for (;;) {
      const got = this.heard.slice(from).find((h) => h[0] === topic);
      if (got) return got[1];
      if (Date.now() > end) throw new Error(`the phone heard nothing on ${topic} within ${ms} ms`);
      await sleep(5);
    }
  }

  // The broker drops the node's connection; resolves once it is Active again.
  async reconnect(): Promise<void> {
    const node = this.node;
    assert.ok(node, "the node is connected to the broker");
    this.i.skip();
    node.conn.destroy();
    await this.i.waitFor(/-> Active/, 20000);
    const end = Date.now() + 20000;
    while (!this.node || this.node === node) {
      if (Date.now() > end) throw new Error("the broker has no new connection from the node");
      await sleep(5);
    }
  }

  // Closes the broker and starts a new one on the same port.
  async restartBroker(): Promise<void> {
    this.node = null;
    await this.broker.close();
    await this.startBroker(this.port);
    await this.phoneReady();
  }

  // A power cut: the process killed, then a boot on the same espruino.flash.
  async powerCut(): Promise<void> {
    await this.i.kill();
    this.node = null;
    await this.i.boot();
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.phone.end(true, {}, () => r()));
    await this.broker.close().catch(() => {});
    await this.i.close();
  }
}
