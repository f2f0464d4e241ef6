// `npm start`: the firmware in the simulator (a 4 MB board: build/storage-4mb flashed as `npm run
// flash` does, so `npm run ota` updates it; --board 1mb: the 1 MB board's files), with an embedded MQTT broker on 127.0.0.1:1883 and
// MQTT over WebSocket on :9001 (or --broker mqtt://host:port [--ws ws://host:port]), a simulated
// access point, Storage in .sim/ (or --data DIR), the web page on http://127.0.0.1:8080 (phone app
// and simulated board; see web.ts), and this terminal as the board's serial console (raw, as a
// serial terminal: see terminal.ts). Ctrl-] or `.exit` stops everything; Ctrl-C goes to the firmware.
import path from "node:path";
import { Simulator } from "./simulator";
import { startBroker, EmbeddedBroker } from "./broker";
import { TerminalInput } from "./terminal";
import { BoardView, storedConfig } from "./board-view";
import { startWeb, WebServer } from "./web";
import { parseFlags, portFlag } from "./args";

interface CliOptions {
  board: "4mb" | "1mb";
  broker: string | null;
  data: string;
  ssid: string;
  password: string;
  verbose: boolean;
  // The page: its port and host, and the broker's WebSocket (a port of the embedded broker, or
  // the URL of the --broker's listener); web false with --no-web.
  http: number;
  httpHost: string;
  ws: number | string | null;
  web: boolean;
}

const USAGE = [
  "usage: npm start -- [--broker mqtt://host:port [--ws ws://host:port]] [--ws PORT] [--http PORT] [--http-host HOST] [--no-web]",
  "                    [--board 4mb|1mb] [--data DIR] [--ssid NAME] [--password PW] [--verbose]"
].join("\n");
const TOPIC = "living_room_lights";

function parse(argv: string[]): CliOptions {
  const f = parseFlags(
    argv,
    USAGE,
    ["--board", "--broker", "--data", "--ssid", "--password", "--http", "--http-host", "--ws"],
    ["--verbose", "--no-web"]
  );
  const str = (k: string, d: string) => (typeof f[k] === "string" ? (f[k] as string) : d);
  const board = str("--board", "4mb");
  if (board !== "4mb" && board !== "1mb") throw new Error(`--board ${board}: 4mb or 1mb\n${USAGE}`);
  const o: CliOptions = {
    board,
    broker: str("--broker", "") || null,
    // Each board's Storage of its own: the two layouts' files differ.
    data: path.resolve(str("--data", path.resolve(__dirname, "..", board === "4mb" ? ".sim" : ".sim-1mb"))),
    ssid: str("--ssid", "lightnode-sim"),
    password: str("--password", "correct horse"),
    verbose: !!f["--verbose"],
    http: portFlag("--http", str("--http", "8080")),
    httpHost: str("--http-host", "127.0.0.1"),
    ws: null,
    web: !f["--no-web"]
  };
  const ws = str("--ws", "");
  if (o.broker) {
    if (ws && !/^wss?:\/\//.test(ws))
      throw new Error(`--ws ${ws}: with --broker, the broker's WebSocket URL (ws://host:port)`);
    o.ws = ws || null;
  } else o.ws = portFlag("--ws", ws || "9001");
  if (o.password.length && (o.password.length < 8 || o.password.length > 63))
    throw new Error("--password: WPA passwords have 8-63 characters");
  return o;
}

function brokerAddress(url: string): { host: string; port: number } {
  const u = new URL(url);
  if (u.protocol !== "mqtt:") throw new Error(`--broker ${url}: only mqtt:// (no TLS on the ESP8266)`);
  return { host: u.hostname, port: Number(u.port || 1883) };
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  let broker: EmbeddedBroker | null = null;
  let address: { host: string; port: number };
  if (o.broker) address = brokerAddress(o.broker);
  else {
    try {
      broker = await startBroker("127.0.0.1", 1883, undefined, o.web ? { wsPort: o.ws as number } : {});
    } catch (err: any) {
      throw new Error(
        `cannot start the embedded broker on 127.0.0.1:1883 and :${o.ws} (${err.code || err.message}); is another broker running? Use it with --broker mqtt://127.0.0.1:1883 [--ws ws://127.0.0.1:9001]`
      );
    }
    address = { host: broker.host, port: broker.port };
    if (o.verbose) broker.onLog = (line) => process.stderr.write(`[broker] ${line}\n`);
  }
  const wsUrl = broker ? broker.wsUrl : (o.ws as string | null);
  // The board's first words wait for the hint, which needs the page's address.
  let early: string | null = "";
  const sim = await Simulator.start({
    ...(o.board === "4mb"
      ? { layout: path.resolve(__dirname, "..", "build", "storage-4mb") }
      : { board: "ESP8266_BOARD" }),
    dataDir: o.data,
    ap: { ssid: o.ssid, password: o.password },
    // The board's output is bytes, one char each (its texts are the UTF-8 the terminal sent, as
    // stdin is read below): written as such, the terminal shows them as it typed them.
    echo: (text) => (early === null ? process.stdout.write(Buffer.from(text, "latin1")) : (early += text)),
    terminal: true
  });
  let web: WebServer | null = null;
  let view: BoardView | null = null;
  if (o.web && wsUrl) {
    view = new BoardView(sim, require("../espruino.config.js").pins);
    try {
      web = await startWeb({ host: o.httpHost, port: o.http, mqttUrl: wsUrl, topic: TOPIC, board: view });
    } catch (err: any) {
      await sim.stop();
      if (broker) await broker.close();
      throw new Error(
        `cannot serve the web page on ${o.httpHost}:${o.http} (${err.code || err.message}); choose another with --http PORT, or --no-web`
      );
    }
  }
  const webLine = web
    ? `web page:           ${web.url}   (phone app and simulated board; MQTT over WebSocket at ${wsUrl})`
    : o.web && o.broker
      ? "web page:           off (give the broker's WebSocket listener: --ws ws://host:9001)"
      : "web page:           off (--no-web)";
  const hint = [
    `lightnode simulator: a ${o.board === "4mb" ? "4 MB" : "1 MB"} board, access point "${o.ssid}", password "${o.password}" (simulated); Storage in ${path.relative(process.cwd(), o.data) || "."}`,
    broker ? `embedded MQTT broker (aedes) on ${broker.url}` : `MQTT broker: ${o.broker}`,
    `connect the node:   config({ssid:${JSON.stringify(o.ssid)}, password:${JSON.stringify(o.password)}, broker:${JSON.stringify(address.host)}, port:${address.port}})`,
    `toggle the light:   mosquitto_pub -h ${address.host} -p ${address.port} -t living_room_lights -m on   (or off, toggle)`,
    `watch it:           mosquitto_sub -h ${address.host} -p ${address.port} -t 'living_room_lights/#' -v`,
    webLine,
    ...(o.board === "4mb"
      ? [
          `update it:          npm run ota -- --broker mqtt://${address.host}:${address.port} --key-file KEYFILE   (README: Updating over the air)`
        ]
      : []),
    "flip the wall switch: type .switch (or .press for a push button); .help lists the simulator's commands",
    "this terminal is the board's serial console (Ctrl-C goes to the board); Ctrl-] or .exit quits",
    ""
  ].join("\n");
  process.stdout.write(hint + "\n");
  process.stdout.write(Buffer.from(early, "latin1"));
  early = null;

  const raw = !!process.stdin.isTTY;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    if (raw) process.stdin.setRawMode(false);
    process.stdin.pause();
    if (web) await web.close();
    if (view) view.close();
    await sim.stop();
    if (broker) await broker.close();
    process.stdout.write("\nsimulator stopped\n");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const input = new TerminalInput({
    toBoard: (chars) => sim.typeRaw(chars),
    replHasConsole: () => sim.consoleDevice === "Serial1",
    command: (line) => simulatorCommand(sim, line),
    quit: () => void stop(),
    show: (text) => process.stdout.write(text),
    raw
  });
  if (raw) process.stdin.setRawMode(true);
  process.stdin.setEncoding("latin1");
  process.stdin.on("data", (chunk: string) => input.receive(chunk));
  process.stdin.on("end", () => {});
}

const SIM_HELP = [
  ".switch      flip the wall switch (contact bounce included)",
  ".press       press and release the push button",
  ".relay       show the relay and LED outputs",
  ".ap down|up  take the simulated access point away, or bring it back",
  ".exit        stop the simulator (or Ctrl-])",
  ".help        this list (lines starting with a dot at the prompt never reach the board)"
].join("\n");

// The simulator's own commands (the wall switch, the access point), typed behind a dot.
function simulatorCommand(sim: Simulator, line: string): void {
  const m = /^(\w*)\s*(\w*)$/.exec(line) || ["", "?", ""];
  const pins = require("../espruino.config.js").pins;
  const say = (text: string) => process.stdout.write(text + "\n");
  const stored = storedConfig(sim.storage);
  const mode = stored && typeof stored.mode === "string" ? stored.mode : "toggle";
  if (m[1] === "switch" && !m[2]) {
    const level = !sim.pins.level(pins.button);
    say(inputSays(mode, "switch", pins.button, level !== pins.buttonPressedLow));
    void sim.pins.bounce(pins.button, level);
  } else if (m[1] === "press" && !m[2]) {
    say(inputSays(mode, "press", pins.button, true));
    void sim.pins
      .press(pins.button, { low: pins.buttonPressedLow })
      .then(() => sleep(200))
      .then(() => sim.pins.release(pins.button, { low: pins.buttonPressedLow }));
  } else if (m[1] === "relay" && !m[2]) {
    say(
      `relay ${pins.relay}: ${sim.pins.level(pins.relay) !== pins.relayActiveLow ? "on" : "off"}` +
        (pins.led ? `, LED ${pins.led}: ${sim.pins.level(pins.led) !== pins.ledActiveLow ? "lit" : "dark"}` : "")
    );
  } else if (m[1] === "ap" && (m[2] === "down" || m[2] === "up")) {
    if (m[2] === "down") sim.wifi.apDown();
    else sim.wifi.apUp();
    say(`access point ${m[2]}`);
  } else if (m[1] === "help" && !m[2]) say(SIM_HELP);
  else say(`unknown simulator command .${line}\n${SIM_HELP}`);
}

// What a .switch or .press did, said in the terms of the configured mode: toggle and detached read
// the input as a wall switch (every change of position is a flip), button as a push button (each
// press toggles, letting go does nothing).
function inputSays(mode: string, what: "switch" | "press", pin: string, closed: boolean): string {
  const detached = mode === "detached" ? " (detached: the node publishes it, the relay stays on)" : "";
  if (mode === "button") {
    if (what === "press") return `push button ${pin} pressed and released: mode button, each press toggles the light`;
    return closed
      ? `${pin} held closed: mode button reads a push button, so this is a press held down (the light toggles once); .switch again lets go, .press presses and releases`
      : `${pin} let go: mode button reads a push button, letting go toggles nothing`;
  }
  if (what === "switch")
    return `wall switch ${pin} flipped ${closed ? "closed" : "open"}: mode ${mode}, each flip toggles the light${detached}`;
  return `${pin} pressed and released: mode ${mode} reads a wall switch, so that is two flips and the light toggles twice, on and off again${detached}; .switch flips it once`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((err) => {
  console.error(String(err && err.message ? err.message : err));
  process.exit(1);
});
