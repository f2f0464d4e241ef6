// The real-interpreter suite's board: Espruino built for Linux in the shape of an ESP8266
// (test/board/run.mjs picks the binary: BOARD_BIN, BOARD_SHAPE "4mb" or "1mb"), flashed with
// exactly build/storage/ and the fake board as .boot0, its console driven over telnet
// (bench/board/interpreter.ts), against the embedded broker (sim/broker.ts) and a phone client.
//
//   const b = await Board.start()              // broker, phone, interpreter flashed and booted
//   Board.start({layout: "storage-4mb"})        // flashed with the 4 MB layout (loader + set a)
//   await b.configure()                         // config({...}) -> Active
//   await b.command("on")                       // the phone publishes, the relay follows
//   b.i                                         // the Interpreter: eval, type, waitFor, usage, kill...
//   await b.powerCut()                          // SIGKILL, then a boot on the same espruino.flash
//   b.firmwareUsage()                           // the firmware's variables (over interpreter + fake + filler)
//   await b.stop()
//
// Board.start({fill: 900}) also calibrates a filler that leaves exactly that many variables free
// for the firmware: b.fill(true) stores it as .boot1 (run before the firmware's .bootcde) for the
// next boots, b.fillNow() allocates it at the console of a running node (until the next boot).
// Any peak above it prints OUT OF MEMORY, which fails the test.
import { strict as assert } from "node:assert";
import mqtt from "mqtt";
import { fakeBoard, Interpreter, firmwareFiles } from "../../bench/board/interpreter";
import { startBroker, EmbeddedBroker } from "../../sim/broker";

export const SHAPE = process.env.BOARD_SHAPE || "";
export const BIN = process.env.BOARD_BIN || "";
export const TOPIC = "living_room_lights";
export const HA_STATUS = "homeassistant/status";
const PHONE_ID = "board-phone";
export const WIFI = { ssid: "board", password: "boardpass1" };

// The console's answer to a save: the line "saved" alone ("nothing saved" ends an error).
export const SAVED = /(^|\n|>)saved\r?\n/;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The largest message the node accepts: packets over 1,024 bytes are refused (QoS 0: 3-byte fixed
// header, 2-byte topic length, the topic).
export const BIG_PAYLOAD = 1024 - 3 - 2 - HA_STATUS.length;

// The light saves itself 3 s after its last change (SAVE_MS in src/light/app.ts). For hundreds of
// saves in seconds rather than minutes, FAST_TIMERS typed at the console makes the board's
// setTimeout run 100 times as fast (gone at the next boot); keep the node Offline meanwhile, so
// that no other timer of the firmware is in play. LIGHT_SAVED_MS: a change is saved by then.
const WARP = 100;
export const FAST_TIMERS = `\x10BENCH.setTimeout=setTimeout;var setTimeout=function(f,ms,a,b){return BENCH.setTimeout(f,ms/${WARP},a,b)};\r`;
export const LIGHT_SAVED_MS = 3000 / WARP + 40;

// Types each answer of setup() one key at a time, as a person would.
export async function typeSetup(b: Board, answers: [string, string][]): Promise<void> {
  b.i.skip();
  b.i.line("setup()");
  for (const [field, value] of answers) {
    await b.i.waitFor(new RegExp("(^|\\n)" + field + " \\[[^\\n]*\\]: "), 5000);
    for (const ch of value + "\r") {
      b.i.type(ch);
      await sleep(5);
    }
  }
  // All answers kept (Enter at every question): nothing to save.
  await b.i.waitFor(answers.some((a) => a[1]) ? SAVED : /(^|\n|>)unchanged\r?\n/);
}

// Mocha's describe for a shape: the suite runs once per interpreter, under test/board/run.mjs.
export function forShapes(shapes: string[], title: string, fn: (this: Mocha.Suite) => void): void {
  if (!BIN)
    describe(title, () =>
      it("needs BOARD_BIN: run it through test/board/run.mjs", function () {
        this.skip();
      })
    );
  else if (shapes.indexOf(SHAPE) >= 0) describe(`${title} (espruino-esp8266-${SHAPE})`, fn);
}

// A test that also fails on any OUT OF MEMORY the console printed while it ran (not an afterEach:
// a failing hook ends the whole suite). With `recover`, a node left dead or disconnected by the
// step before is powered on again first.
export function step(
  board: () => Board,
  title: string,
  fn: (this: Mocha.Context) => Promise<void>,
  recover = false
): void {
  it(title, async function () {
    const b = board();
    const errors = b.i.memoryErrors.length;
    try {
      if (recover && (!b.i.alive() || !b.node)) {
        await b.powerCut();
        await b.active();
      }
      await fn.call(this);
    } finally {
      assert.deepEqual(b.i.memoryErrors.slice(errors), [], "no OUT OF MEMORY on the console");
    }
  });
}

export interface BoardOptions {
  // Variables left free for the firmware by a filler (none: all of them); more figures calibrate
  // fillers for fillNow(free) too.
  fill?: number;
  fills?: number[];
  // Extra environment for the interpreter (e.g. LD_PRELOAD).
  env?: NodeJS.ProcessEnv;
  // What is flashed: build/storage/ (the default: the 1 MB layout, on either shape) or
  // build/storage-4mb/ (the loader and set a, as npm run flash writes a 4 MB board).
  layout?: "storage" | "storage-4mb";
}

export class Board {
  i!: Interpreter;
  broker!: EmbeddedBroker;
  phone!: mqtt.MqttClient;
  // Every message the phone received: [topic, payload, retained].
  heard: [string, string, boolean][] = [];
  // The node's own connection on the broker (null while it has none), and the connection that
  // last subscribed to the command topic.
  node: any = null;
  private subscribed: any = null;
  layout: "storage" | "storage-4mb" = "storage";
  // Variables used by the interpreter, the fake and the filler, before the firmware.
  base = 0;
  total = 0;
  port = 0;

  static async start(options: BoardOptions = {}): Promise<Board> {
    const b = new Board();
    await b.startBroker(0);
    b.phone = mqtt.connect(b.broker.url, { clientId: PHONE_ID, reconnectPeriod: 100 });
    b.phone.on("error", () => {});
    b.phone.on("message", (topic, payload, packet) =>
      b.heard.push([topic, payload.toString("latin1"), !!packet.retain])
    );
    b.phone.subscribe([TOPIC, TOPIC + "/#", "homeassistant/#"]);
    b.layout = options.layout || "storage";
    b.i = new Interpreter(BIN, { env: options.env });
    await b.i.boot();
    b.total = await b.i.eval("process.memory().total");
    await b.i.writeFile(".boot0", await fakeBoard());
    await b.i.boot();
    b.base = await b.i.usage();
    for (const free of options.fills || []) await b.calibrate(free);
    if (options.fill !== undefined) await b.calibrate(options.fill);
    for (const f of firmwareFiles(options.layout)) await b.i.writeFile(f.name, f.data);
    await b.i.boot();
    await b.phoneReady();
    return b;
  }

  // The filler's source: .boot1 (run after the fake, before the firmware's .bootcde) leaving
  // exactly `free` variables at the prompt, found by trying it before the firmware is stored.
  private filler = "";
  private async calibrate(free: number): Promise<void> {
    let n = this.total - this.base - free;
    for (let tries = 0; tries < 4; tries++) {
      this.filler = `var FILL=[];while(FILL.length<${n})FILL.push(0);`;
      await this.i.writeFile(".boot1", this.filler);
      await this.i.boot();
      const left = this.total - (await this.i.usage());
      if (left === free) {
        this.fillerVars = this.total - free - this.base;
        this.fillers.set(free, this.filler);
        this.calibratedFree = free;
        await this.fill(false);
        return;
      }
      n += left - free;
    }
    throw new Error(`board: could not leave exactly ${free} variables free`);
  }

  // Stores (or erases) the filler calibrated by start({fill}); it takes effect at the next boot,
  // and the firmware's figures stay over the interpreter and the fake alone.
  async fill(on: boolean): Promise<void> {
    if (!this.filler) throw new Error("board: start({fill}) calibrates the filler");
    this.fillerVars = this.total - this.calibratedFree - this.base;
    if (on) await this.i.writeFile(".boot1", this.filler);
    else await this.i.eval(`require("Storage").erase(".boot1")`);
    this.stored = on;
  }

  // The same filler, made now (typed: the loop's code is dropped once it ran); with `free`, the
  // one start({fills}) calibrated for that figure.
  async fillNow(free?: number): Promise<void> {
    const filler = free === undefined ? this.filler : this.fillers.get(free);
    if (!filler) throw new Error(`board: start({fill, fills}) calibrates no filler for ${free} free`);
    if (this.stored) return;
    // One made before, for another figure, goes first.
    if (this.live) await this.i.eval("FILL=0,1");
    this.i.type("\x10" + filler + "\r");
    await this.i.eval("FILL.length");
    this.fillerVars = this.total - (free === undefined ? this.calibratedFree : free) - this.base;
    this.live = true;
  }
  private fillers = new Map<number, string>();
  private calibratedFree = 0;

  // The variables the filler holds; whether it is stored as .boot1, or made since the last boot.
  private fillerVars = 0;
  private stored = false;
  private live = false;
  get filling(): boolean {
    return this.stored || this.live;
  }

  private async startBroker(port: number): Promise<void> {
    this.broker = await startBroker("127.0.0.1", port);
    this.port = this.broker.port;
    this.broker.aedes.on("client", (client: any) => {
      if (client.id !== PHONE_ID) this.node = client;
    });
    // The node takes commands once subscribed: "-> Active" alone may come before the broker
    // has its SUBSCRIBE.
    this.broker.aedes.on("subscribe", (subs: any[], client: any) => {
      if (client && client.id !== PHONE_ID && subs.some((s) => s.topic === TOPIC)) this.subscribed = client;
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
    return (await this.i.usage()) - this.base - (this.filling ? this.fillerVars : 0);
  }

  // Types config({...}) for the board's Wi-Fi and this broker; resolves once Active.
  async configure(extra = ""): Promise<void> {
    this.i.skip();
    this.i.line(
      `config({ssid:"${WIFI.ssid}",password:"${WIFI.password}",broker:"127.0.0.1",port:${this.port}${extra}})`
    );
    await this.i.waitFor(SAVED);
    await this.active();
  }

  // Resolves once the node says it is Active and the broker has its connection; on the 4 MB layout,
  // once the update receiver's run at ACTIVE is over too (it counts the boot, confirms a trial,
  // says the loader's last word: src/light/app.ts queues it in the global LNQ).
  async active(ms = 20000): Promise<void> {
    await this.i.waitFor(/-> Active/, ms);
    const end = Date.now() + ms;
    while (!this.node || this.subscribed !== this.node) {
      if (Date.now() > end) throw new Error("the node is Active but the broker has no subscription from it");
      await sleep(5);
    }
    if (this.layout == "storage-4mb")
      while (await this.i.eval("typeof LNQ!='undefined'")) {
        if (Date.now() > end) throw new Error("the update receiver's run at ACTIVE never ended");
        await sleep(20);
      }
  }

  publish(topic: string, payload: string, qos: 0 | 1 = 1): Promise<void> {
    return new Promise((resolve, reject) =>
      this.phone.publish(topic, payload, { qos }, (e) => (e ? reject(e) : resolve()))
    );
  }

  // The phone sends a command; resolves with the relay's new level.
  async command(payload: string): Promise<number> {
    this.i.skip();
    await this.publish(TOPIC, payload);
    const m = await this.i.waitFor(/#R([01])/);
    return +m[1];
  }

  // The relay's level as the fake board last printed it (#R0 / #R1).
  relay(): number {
    const at = this.i.output.lastIndexOf("#R");
    return at < 0 ? 0 : +this.i.output[at + 2];
  }

  // The phone switches the light to the other state (on/off, never toggle); asserts the relay
  // followed.
  async flipByCommand(): Promise<void> {
    const want = 1 - this.relay();
    assert.equal(await this.command(want ? "on" : "off"), want);
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
    while (!this.node || this.node === node || this.subscribed !== this.node) {
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
    this.live = false;
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
