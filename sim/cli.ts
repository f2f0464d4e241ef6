// `npm start`: the firmware in the simulator, with an embedded MQTT broker on 127.0.0.1:1883 (or
// --broker mqtt://host:port), a simulated access point, Storage in .sim/ (or --data DIR), and this
// terminal as the board's serial console (raw, as a serial terminal: see terminal.ts). Ctrl-] or
// `.exit` stops everything; Ctrl-C goes to the firmware.
import path from "node:path";
import { Simulator } from "./simulator";
import { startBroker, EmbeddedBroker } from "./broker";
import { TerminalInput } from "./terminal";

interface CliOptions {
  broker: string | null;
  data: string;
  ssid: string;
  password: string;
  verbose: boolean;
}

const USAGE = "usage: npm start -- [--broker mqtt://host:port] [--data DIR] [--ssid NAME] [--password PW] [--verbose]";

function parse(argv: string[]): CliOptions {
  const o: CliOptions = { broker: null, data: path.resolve(__dirname, "..", ".sim"), ssid: "lightnode-sim", password: "correct horse", verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => {
      const v = inline !== undefined ? inline : argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === "--broker") o.broker = value();
    else if (flag === "--data") o.data = path.resolve(value());
    else if (flag === "--ssid") o.ssid = value();
    else if (flag === "--password") o.password = value();
    else if (flag === "--verbose") o.verbose = true;
    else if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
  }
  if (o.password.length && (o.password.length < 8 || o.password.length > 63)) throw new Error("--password: WPA passwords have 8-63 characters");
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
      broker = await startBroker("127.0.0.1", 1883);
    } catch (err: any) {
      throw new Error(`cannot start the embedded broker on 127.0.0.1:1883 (${err.code || err.message}); is another broker running? Use it with --broker mqtt://127.0.0.1:1883`);
    }
    address = { host: broker.host, port: broker.port };
    if (o.verbose) broker.onLog = (line) => process.stderr.write(`[broker] ${line}\n`);
  }
  const hint = [
    `lightnode simulator: access point "${o.ssid}", password "${o.password}" (simulated); Storage in ${path.relative(process.cwd(), o.data) || "."}`,
    broker ? `embedded MQTT broker (aedes) on ${broker.url}` : `MQTT broker: ${o.broker}`,
    `connect the node:   config({ssid:${JSON.stringify(o.ssid)}, password:${JSON.stringify(o.password)}, broker:${JSON.stringify(address.host)}, port:${address.port}})`,
    `toggle the light:   mosquitto_pub -h ${address.host} -p ${address.port} -t living_room_lights -m on   (or off, toggle)`,
    `watch it:           mosquitto_sub -h ${address.host} -p ${address.port} -t 'living_room_lights/#' -v`,
    "flip the wall switch: type .switch (or .press for a push button); .help lists the simulator's commands",
    "this terminal is the board's serial console (Ctrl-C goes to the board); Ctrl-] or .exit quits",
    ""
  ].join("\n");
  process.stdout.write(hint + "\n");

  const sim = await Simulator.start({
    dataDir: o.data,
    ap: { ssid: o.ssid, password: o.password },
    echo: (text) => process.stdout.write(text),
    terminal: true
  });

  const raw = !!process.stdin.isTTY;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    if (raw) process.stdin.setRawMode(false);
    process.stdin.pause();
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
  const m = /^(\w*)\s*(\w*)$/.exec(line) || ["", "help", ""];
  const pins = require("../espruino.config.js").pins;
  const say = (text: string) => process.stdout.write(text + "\n");
  if (m[1] === "switch") void sim.pins.bounce(pins.button, !sim.pins.level(pins.button));
  else if (m[1] === "press") {
    void sim.pins.press(pins.button, { low: pins.buttonPressedLow }).then(() => sleep(200)).then(() => sim.pins.release(pins.button, { low: pins.buttonPressedLow }));
  } else if (m[1] === "relay") {
    say(`relay ${pins.relay}: ${sim.pins.level(pins.relay) !== pins.relayActiveLow ? "on" : "off"}` + (pins.led ? `, LED ${pins.led}: ${sim.pins.level(pins.led) !== pins.ledActiveLow ? "lit" : "dark"}` : ""));
  } else if (m[1] === "ap" && (m[2] === "down" || m[2] === "up")) {
    if (m[2] === "down") sim.wifi.apDown();
    else sim.wifi.apUp();
    say(`access point ${m[2]}`);
  } else say(SIM_HELP);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((err) => {
  console.error(String(err && err.message ? err.message : err));
  process.exit(1);
});
