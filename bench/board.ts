// `npm run bench:board`: RAM and speed of the flashed firmware on the real Espruino interpreter,
// built for Linux in the shape of an ESP8266 (32-bit variables as on the board): ESPRUINO_BIN_4MB
// (1,600 variables, 192 KB Storage) and ESPRUINO_BIN_1MB (1,700 variables, 16 KB Storage), each
// run in turn; ESPRUINO_BIN (any other build) too if set. It stores every file `npm run flash`
// writes (build/storage/*) and the fake ESP8266 (bench/board/fake-board.js as .boot0), powers the
// interpreter on, drives the node over its telnet console (bench/board/interpreter.ts; the script
// runs in a network namespace of its own, bench/board/own-network.sh) against the embedded broker
// and a phone client, and prints the variables the firmware alone uses (the interpreter's and the
// fake's own are measured first and subtracted), then its inbound message rate and command ->
// relay latency, beside Espruino's own MQTT module run the same way (ESPRUINO_MQTT_MODULE: path
// of modules/MQTT.js from EspruinoDocs, read at run time, never kept in this repository).
// ESPRUINO_BIN_BIG (optional): a build with resizable variables, run the same way after them.
// BENCH_LAYOUT=4mb stores the 4 MB layout instead (build/storage-4mb/: the loader and set a, with
// the update receiver), on the interpreters whose Storage holds it (not ESPRUINO_BIN_1MB's 16 KB).
// Figures only: nothing here asserts a timing (test/board/ asserts the RAM ceilings). Exit code 1
// if the interpreter ever reports OUT OF MEMORY, or if a scenario could not be completed.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import mqtt from "mqtt";
import { minify } from "terser";
import { fakeBoard, firmwareFiles, Interpreter } from "./board/interpreter";
import { startBroker, EmbeddedBroker } from "../sim/broker";

const TOPIC = "living_room_lights";
const HA_STATUS = "homeassistant/status";
const PHONE_ID = "bench-phone";
const MODULE_ID = "bench-mqtt-module";
const COMMANDS = 1000;
const FLIPS = 1000;
const RECONNECTS = 20;
const MANY_RECONNECTS = 200;
const BURST = 2000;
const LATENCY_COMMANDS = 200;
// The firmware refuses incoming packets over 1,024 bytes: the largest message on homeassistant/status
// that fits (3-byte fixed header, 2-byte topic length, 20-byte topic).
const BIG_PAYLOAD = 1024 - 3 - 2 - HA_STATUS.length;
const LAYOUT = process.env.BENCH_LAYOUT === "4mb" ? "storage-4mb" : "storage";
// Before a reading that is compared with an earlier one: the light saves its state 3 s after the
// last change, and a timer still pending is not growth.
const SETTLE_MS = 3500;

// Progress on stderr, so that stdout stays the report.
const t00 = Date.now();
const progress = (s: string) => process.stderr.write(`  [${((Date.now() - t00) / 1000).toFixed(0)}s] ${s}\n`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function short(e: any): string {
  return String((e && e.message) || e)
    .split("\n")[0]
    .replace(/; recent output:$/, "");
}

// The broker and the phone, with the node's own connection spied on: every write the broker makes
// to it is timestamped and parsed, so a command's "last byte written" time is known.
class Net {
  broker!: EmbeddedBroker;
  phone!: mqtt.MqttClient;
  port = 0;
  node: any = null;
  // performance.now() of the write that completed the last PUBLISH on the command topic to the node.
  commandWrittenAt = 0;

  async start(port = 0): Promise<void> {
    this.broker = await startBroker("127.0.0.1", port);
    this.port = this.broker.port;
    this.broker.aedes.on("client", (client: any) => {
      if (client.id === PHONE_ID) return;
      this.node = client;
      this.spy(client.conn);
    });
  }

  private spy(conn: any): void {
    const write = conn.write;
    let pending = Buffer.alloc(0);
    conn.write = (chunk: any, ...rest: any[]) => {
      const now = performance.now();
      pending = Buffer.concat([pending, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)]);
      // Whole packets: type, remaining length, and for a PUBLISH its topic.
      for (;;) {
        let len = 0,
          mul = 1,
          i = 1;
        for (; i < pending.length && i < 5; i++) {
          len += (pending[i] & 127) * mul;
          mul *= 128;
          if (!(pending[i] & 128)) break;
        }
        if (i >= pending.length || pending.length < i + 1 + len) break;
        const packet = pending.subarray(0, i + 1 + len);
        if (packet[0] >> 4 === 3) {
          const at = i + 1;
          const topic = packet.subarray(at + 2, at + 2 + packet.readUInt16BE(at)).toString("latin1");
          if (topic === TOPIC) this.commandWrittenAt = now;
        }
        pending = pending.subarray(i + 1 + len);
      }
      return write.call(conn, chunk, ...rest);
    };
  }

  async connectPhone(): Promise<void> {
    this.phone = mqtt.connect(this.broker.url, { clientId: PHONE_ID, reconnectPeriod: 200 });
    this.phone.on("connect", () => (this.phone as any).stream.setNoDelay(true));
    this.phone.on("error", () => {});
    await this.phoneReady();
  }

  async phoneReady(ms = 10000): Promise<void> {
    const end = Date.now() + ms;
    while (!this.phone.connected) {
      if (Date.now() > end) throw new Error("phone client did not connect");
      await sleep(10);
    }
  }

  publish(topic: string, payload: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.phone.publish(topic, payload, { qos: 0 }, (e) => (e ? reject(e) : resolve()))
    );
  }

  // Closes the broker and starts a new one on the same port (the phone reconnects by itself).
  async restart(): Promise<void> {
    this.node = null;
    await this.broker.close();
    await this.start(this.port);
  }

  async close(): Promise<void> {
    if (this.phone) await new Promise<void>((r) => this.phone.end(true, {}, () => r()));
    await this.broker.close();
  }
}

type Cell = number | string;

interface Run {
  label: string;
  version: string;
  total: number;
  empty: number;
  fake: number;
  sampler: number;
  // Whether the interpreter counts its own peak (bench/board/peak-interpreter.mjs): every peak is
  // then exact; otherwise a 5 ms sampler sees what it happens to catch.
  exact: boolean;
  memory: [string, Cell][];
  ours: { variables: Cell; rate: Cell; median: Cell; p99: Cell };
  module: { variables: Cell; rate: Cell; median: Cell; p99: Cell } | null;
  errors: string[];
  memoryErrors: string[];
}

// The interpreter with the fake stored as .boot0: its own usage, the fake's, and what a peak reading
// adds: the 5 ms sampler's variables (subtracted from every peak), or, with an exact count, the
// reading's own (a floor: no step reads lower).
async function baseline(i: Interpreter, run: Run): Promise<number> {
  await i.boot();
  run.version = await i.eval("process.env.VERSION");
  run.total = await i.eval("process.memory().total");
  run.empty = await i.usage();
  await i.writeFile(".boot0", await fakeBoard());
  await i.boot();
  const withFake = await i.usage();
  run.fake = withFake - run.empty;
  run.exact = await i.eval("'peak' in process.memory()");
  await i.eval(run.exact ? "process.memory(2).peak,1" : "BENCH.peak=0,BENCH.sample(true),1");
  await sleep(200);
  run.sampler = (await i.eval(run.exact ? "process.memory(2).peak" : "BENCH.sample(false),BENCH.peak")) - withFake;
  return withFake;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// Speed on whatever is running: 2,000 QoS 0 messages on homeassistant/status sent back to back by
// the broker, timed until a final command moves the relay; then command -> relay latency.
async function speed(i: Interpreter, net: Net, level: () => number): Promise<{ rate: Cell; median: Cell; p99: Cell }> {
  const out: { rate: Cell; median: Cell; p99: Cell } = { rate: "-", median: "-", p99: "-" };
  const aedes = net.broker.aedes;
  const pub = (topic: string, payload: string) =>
    aedes.publish(
      { cmd: "publish", topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false },
      () => {}
    );
  i.skip();
  const t0 = performance.now();
  for (let n = 0; n < BURST; n++) pub(HA_STATUS, "x");
  pub(TOPIC, level() ? "off" : "on");
  const m = await i.waitFor(/#R[01]/, 90000);
  out.rate = Math.round(BURST / ((m.at - t0) / 1000));
  await sleep(300);
  const lat: number[] = [];
  for (let n = 0; n < LATENCY_COMMANDS; n++) {
    i.skip();
    net.commandWrittenAt = 0;
    await net.publish(TOPIC, level() ? "off" : "on");
    const r = await i.waitFor(/#R[01]/, 10000);
    if (net.commandWrittenAt) lat.push(r.at - net.commandWrittenAt);
    await sleep(5);
  }
  lat.sort((a, b) => a - b);
  out.median = lat.length ? percentile(lat, 50).toFixed(2) + " ms" : "-";
  out.p99 = lat.length ? percentile(lat, 99).toFixed(2) + " ms" : "-";
  return out;
}

// The relay level last printed by the fake (#R0 / #R1).
function relayLevel(i: Interpreter): number {
  const at = i.output.lastIndexOf("#R");
  return at < 0 ? 0 : +i.output[at + 2];
}

async function firmwareRun(bin: string, run: Run): Promise<void> {
  const i = new Interpreter(bin);
  const net = new Net();
  const fail = (what: string, e: any) => run.errors.push(`${what}: ${short(e)}`);
  const mem = (name: string, v: Cell) => run.memory.push([name, v]);
  try {
    await net.start();
    const base = await baseline(i, run);
    const used = async () => (await i.usage()) - base;
    const startPeak = () => i.eval(run.exact ? "process.memory(2).peak,1" : "BENCH.peak=0,BENCH.sample(true),1");
    const stopPeak = async () =>
      run.exact
        ? (await i.eval("process.memory(2).peak")) - base
        : (await i.eval("BENCH.sample(false),BENCH.peak")) - base - run.sampler;
    const files = firmwareFiles(LAYOUT);
    for (const f of files) await i.writeFile(f.name, f.data);
    run.memory.push(["Storage files", files.map((f) => `${f.name} (${f.data.length} B)`).join(", ")]);

    // Each scenario on its own: a failure is reported, the board is powered on again and the next
    // scenario tries from there.
    let active = false;
    const recover = async () => {
      try {
        await i.boot();
        await i.waitFor(/-> Active/, 20000);
        await net.phoneReady();
        await sleep(300);
        active = true;
      } catch (e) {
        active = false;
      }
    };
    const scenario = async (name: string, needsActive: boolean, fn: () => Promise<void>) => {
      progress(name);
      if (needsActive && !active) return mem(name, "not reached (node not Active)");
      const errors = i.memoryErrors.length;
      const rows = run.memory.length;
      try {
        await fn();
        if (i.memoryErrors.length > errors) throw new Error("OUT OF MEMORY");
      } catch (e) {
        const why = i.memoryErrors.length > errors ? "OUT OF MEMORY" : short(e);
        if (process.env.BENCH_BOARD_VERBOSE) progress(`${name} failed:\n${String((e as any)?.message || e)}`);
        // A figure read before the failure stays, marked.
        if (run.memory.length > rows) run.memory[rows][1] = `${run.memory[rows][1]}, then failed: ${why}`;
        else mem(name, "failed: " + why);
        fail(name, why);
        await recover();
      }
    };
    const command = async () => {
      i.skip();
      await net.publish(TOPIC, relayLevel(i) ? "off" : "on");
      await i.waitFor(/#R[01]/, 10000);
    };
    const reconnect = async () => {
      const node = net.node;
      if (!node) throw new Error("node not connected to the broker");
      i.skip();
      node.conn.destroy();
      await i.waitFor(/-> Active/, 20000);
    };

    await scenario("boot (Offline, no config)", false, async () => {
      await i.boot();
      await i.waitFor(/no config: run setup\(\)/, 10000);
      await sleep(200);
      mem("boot (Offline, no config)", await used());
    });
    await net.connectPhone();
    await scenario("peak during config({...}) until Active", false, async () => {
      await startPeak();
      i.skip();
      i.line(`config({ssid:"bench",password:"benchpass1",broker:"127.0.0.1",port:${net.port}})`);
      await i.waitFor(/-> Active/, 20000);
      await sleep(300);
      mem("peak during config({...}) until Active", await stopPeak());
      active = true;
    });
    let activeFirst = 0;
    await scenario("Active", true, async () => {
      activeFirst = await used();
      mem("Active", activeFirst);
    });
    await scenario(`peak during ${COMMANDS} commands and ${FLIPS} switch flips`, true, async () => {
      await startPeak();
      for (let n = 0; n < COMMANDS; n++) await command();
      i.skip();
      await i.eval(`BENCH.flips(${FLIPS},20),1`);
      await i.waitFor(/#F/, FLIPS * 20 + 30000);
      await sleep(300);
      mem(`peak during ${COMMANDS} commands and ${FLIPS} switch flips`, await stopPeak());
      await sleep(SETTLE_MS);
      const after = await used();
      mem(`Active after ${COMMANDS} commands and ${FLIPS} flips`, after);
      mem(
        `  growth over ${COMMANDS} commands and ${FLIPS} flips`,
        (after - activeFirst >= 0 ? "+" : "") + (after - activeFirst)
      );
    });
    await scenario("peak during setup() (answers typed char by char)", true, async () => {
      await startPeak();
      i.skip();
      i.line("setup()");
      const answers: [string, string][] = [
        ["ssid", "bench"],
        ["password", "benchpass1"],
        ["broker", "127.0.0.1"],
        ["port", String(net.port)],
        ["id", ""],
        ["user", ""],
        ["pass", ""]
      ];
      for (const [field, value] of answers) {
        await i.waitFor(new RegExp("(^|\\n)" + field + " \\[[^\\]]*\\]: "), 5000);
        for (const ch of value) {
          i.type(ch);
          await sleep(10);
        }
        i.type("\r");
      }
      // The answers may equal the configuration in use: setup() then says "unchanged".
      await i.waitFor(/saved|unchanged/, 10000);
      await sleep(500);
      mem("peak during setup() (answers typed char by char)", await stopPeak());
      if (!/-> Active|Active/.test(i.output.slice(-2000))) await i.waitFor(/-> Active/, 20000).catch(() => {});
    });
    await scenario(`peak during a ${BIG_PAYLOAD + 25}-byte incoming message`, true, async () => {
      await startPeak();
      await net.publish(HA_STATUS, "x".repeat(BIG_PAYLOAD));
      await command();
      await sleep(300);
      const tail = i.output.slice(-3000);
      if (/packet too large/.test(tail)) throw new Error("node refused it: packet too large");
      mem(`peak during a ${BIG_PAYLOAD + 25}-byte incoming message`, await stopPeak());
    });
    await scenario("peak during a broker restart until Active", true, async () => {
      await startPeak();
      i.skip();
      await net.restart();
      await i.waitFor(/-> Active/, 30000);
      await net.phoneReady();
      await sleep(300);
      mem("peak during a broker restart until Active", await stopPeak());
    });
    let activeBefore = 0;
    await scenario(`peak during ${RECONNECTS} reconnects`, true, async () => {
      activeBefore = await used();
      await startPeak();
      for (let n = 0; n < RECONNECTS; n++) await reconnect();
      await sleep(300);
      mem(`peak during ${RECONNECTS} reconnects`, await stopPeak());
      mem(`Active after ${RECONNECTS} reconnects`, await used());
    });
    await scenario(`Active after ${MANY_RECONNECTS} reconnects`, true, async () => {
      for (let n = RECONNECTS; n < MANY_RECONNECTS; n++) await reconnect();
      await sleep(SETTLE_MS);
      const after = await used();
      mem(`Active after ${MANY_RECONNECTS} reconnects`, after);
      mem(
        `  growth over ${MANY_RECONNECTS} reconnects (from before the first)`,
        (after - activeBefore >= 0 ? "+" : "") + (after - activeBefore)
      );
    });
    await scenario("speed", true, async () => {
      const s = await speed(i, net, () => relayLevel(i));
      run.ours = { variables: activeFirst || "-", ...s };
    });
    run.memoryErrors.push(...i.memoryErrors);
  } finally {
    await net.close().catch(() => {});
    await i.close();
  }
}

// Espruino's MQTT module, minified, from Storage (file MQTT, which require() loads) with a tiny
// .bootcde that subscribes the same topics, ignores messages and prints #R<level> on a command.
async function moduleRun(bin: string, source: string, run: Run): Promise<void> {
  const i = new Interpreter(bin);
  const net = new Net();
  try {
    await net.start();
    const base = await baseline(i, { ...run });
    const min = await minify(source, {
      ecma: 5,
      compress: true,
      mangle: true,
      format: { comments: false, ascii_only: true }
    });
    await i.writeFile("MQTT", min.code!);
    const boot = [
      `var mq=require("MQTT").create("127.0.0.1",{port:${net.port},client_id:"${MODULE_ID}"});`,
      `var subs=0;`,
      `mq.on("connected",function(){mq.subscribe("${HA_STATUS}");mq.subscribe("${TOPIC}");});`,
      `mq.on("subscribed",function(){if(++subs==2)print("#SUBSCRIBED");});`,
      `mq.on("publish",function(m){if(m.topic=="${TOPIC}")print("#R"+(m.message=="on"?1:0));});`,
      `mq.connect();`
    ].join("\n");
    await i.writeFile(".bootcde", boot);
    await net.connectPhone();
    progress("Espruino's MQTT module");
    await i.boot();
    await i.waitFor(/#SUBSCRIBED/, 20000);
    await sleep(300);
    const variables = (await i.usage()) - base;
    const s = await speed(i, net, () => relayLevel(i));
    run.module = { variables, ...s };
    if (i.memoryErrors.length) run.errors.push("MQTT module: OUT OF MEMORY");
    run.memoryErrors.push(...i.memoryErrors.map((l) => "MQTT module: " + l));
  } catch (e) {
    run.errors.push("MQTT module: " + short(e));
    run.memoryErrors.push(...i.memoryErrors.map((l) => "MQTT module: " + l));
    run.module = run.module || { variables: "failed", rate: "-", median: "-", p99: "-" };
  } finally {
    await net.close().catch(() => {});
    await i.close();
  }
}

function table(rows: Cell[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r: Cell[]) =>
    "| " +
    r.map((v, c) => (typeof v == "number" ? String(v).padStart(widths[c]) : String(v).padEnd(widths[c]))).join(" | ") +
    " |";
  return [line(rows[0]), "| " + widths.map((w) => "-".repeat(w)).join(" | ") + " |", ...rows.slice(1).map(line)].join(
    "\n"
  );
}

function report(run: Run): void {
  console.log(`\n== ${run.label}: Espruino ${run.version}, ${run.total} variables (process.memory().total)`);
  console.log(
    `interpreter alone at its prompt: ${run.empty} variables; the fake ESP8266 (.boot0): ${run.fake}; ` +
      (run.exact
        ? `peaks counted by the interpreter (the most variables reachable at once; reading one costs ${run.sampler}, so none reads lower)`
        : `the 5 ms peak sampler adds ${run.sampler} to a peak reading (subtracted); ` +
          "it misses short peaks: bench/board/peak-interpreter.mjs builds interpreters that count them")
  );
  console.log("\nfirmware alone (variables over interpreter + fake):");
  console.log(table([["moment", "variables"], ...run.memory]));
  console.log(
    `\nspeed, code run from Storage (${BURST} inbound QoS 0 messages on ${HA_STATUS}, then a command; ` +
      `command -> relay from the broker's write of the packet's last byte to the #R line, ${LATENCY_COMMANDS} commands):`
  );
  if (run.exact)
    console.log(
      "(an interpreter that counts its peaks walks its free list at every allocation: slower for both " +
        "clients; take speed from a stock build)"
    );
  const m = run.module;
  console.log(
    table([
      ["", "lightnode", "Espruino MQTT module"],
      ["variables once Active / connected+subscribed", run.ours.variables, m ? m.variables : "not run"],
      ["inbound messages/s", run.ours.rate, m ? m.rate : "-"],
      ["command -> relay, median", run.ours.median, m ? m.median : "-"],
      ["command -> relay, p99", run.ours.p99, m ? m.p99 : "-"]
    ])
  );
  if (run.memoryErrors.length) {
    const counts = new Map<string, number>();
    for (const l of run.memoryErrors) counts.set(l, (counts.get(l) || 0) + 1);
    console.log(
      "\nOUT OF MEMORY seen (console lines, how often):\n  " + [...counts].map(([l, n]) => `${l}  (x${n})`).join("\n  ")
    );
  }
  if (run.errors.length) console.log("\nfailed:\n  " + run.errors.join("\n  "));
}

async function main(): Promise<number> {
  const bins: [string, string][] = [];
  for (const v of ["ESPRUINO_BIN_4MB", "ESPRUINO_BIN_1MB", "ESPRUINO_BIN", "ESPRUINO_BIN_BIG"]) {
    if (LAYOUT == "storage-4mb" && v == "ESPRUINO_BIN_1MB") continue;
    const bin = process.env[v];
    if (bin && existsSync(bin)) bins.push([v, bin]);
    else if (bin) console.log(`bench:board: ${v}=${bin} does not exist: skipped`);
  }
  if (!bins.length) {
    console.log(
      "bench:board: skipped, needs ESPRUINO_BIN_4MB and/or ESPRUINO_BIN_1MB=<Espruino built for Linux in the " +
        "ESP8266's shape> (README: building the interpreters; optional: ESPRUINO_BIN, ESPRUINO_BIN_BIG, " +
        "ESPRUINO_MQTT_MODULE=<EspruinoDocs modules/MQTT.js>)"
    );
    return 0;
  }
  const modulePath = process.env.ESPRUINO_MQTT_MODULE;
  const moduleSource = modulePath && existsSync(modulePath) ? readFileSync(modulePath, "latin1") : null;
  if (!moduleSource)
    console.log("bench:board: ESPRUINO_MQTT_MODULE not set (or missing): the MQTT module comparison is skipped");
  console.log(
    `bench:board: storing ${firmwareFiles(LAYOUT)
      .map((f) => f.name)
      .join(", ")} and the fake .boot0`
  );
  let bad = false;
  for (const [label, path_] of bins) {
    const run: Run = {
      label: `${path.basename(path_)} (${label})`,
      version: "?",
      total: 0,
      empty: 0,
      fake: 0,
      sampler: 0,
      exact: false,
      memory: [],
      ours: { variables: "-", rate: "-", median: "-", p99: "-" },
      module: null,
      errors: [],
      memoryErrors: []
    };
    try {
      await firmwareRun(path_, run);
    } catch (e) {
      run.errors.push(short(e));
    }
    if (moduleSource) await moduleRun(path_, moduleSource, run);
    report(run);
    if (run.errors.length || run.memoryErrors.length) bad = true;
  }
  return bad ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  }
);
