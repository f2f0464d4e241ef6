// `npm start` as a person uses it: spawn the CLI (against a test broker, not port 1883), read the
// hint, type at the console, hit Ctrl-C.
import { strict as assert } from "node:assert";
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createServer } from "node:net";
import { startAedes, RunningBroker } from "../support/brokers";
import { cliCommand } from "../support/cli";

function waitOutput(child: ChildProcess, get: () => string, re: RegExp, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not seen ${re} in:\n${get()}`)), ms);
    const check = () => {
      if (re.test(get())) {
        clearTimeout(timer);
        child.stdout!.off("data", check);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    check();
  });
}

describe("sim: cli (npm start)", function () {
  this.timeout(30000);
  let broker: RunningBroker;
  let dataDir: string;
  beforeEach(async () => {
    broker = await startAedes();
    dataDir = mkdtempSync(path.join(tmpdir(), "lightnode-cli-"));
  });
  afterEach(async () => {
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function start(...extra: string[]): { child: ChildProcess; out: () => string } {
    const [program, ...args] = cliCommand(broker.url, dataDir, ...extra);
    const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    return { child, out: () => out };
  }

  function exited(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  it("prints the hint, boots the firmware, answers typed lines, and stops on Ctrl-C", async () => {
    const { child, out } = start();
    const done = exited(child);
    await waitOutput(child, out, /lightnode \d+\.\d+\.\d+/, 20000);
    const text = out();
    assert.match(text, /access point "testnet", password "pw-12345678"/);
    assert.match(
      text,
      new RegExp(`config\\(\\{ssid:"testnet", password:"pw-12345678", broker:"127.0.0.1", port:${broker.port}\\}\\)`)
    );
    assert.match(text, new RegExp(`mosquitto_pub -h 127.0.0.1 -p ${broker.port} -t living_room_lights -m on`));
    // A 4 MB board by default, booted from the loader: updates over the air work on it.
    assert.match(text, /a 4 MB board/);
    assert.match(text, new RegExp(`npm run ota -- --broker mqtt://127.0.0.1:${broker.port} --key-file KEYFILE`));
    child.stdin!.write("help()\n");
    child.stdin!.write("6*7\n");
    await waitOutput(child, out, /=42/, 5000);
    assert.match(out(), /help/);
    child.kill("SIGINT");
    assert.equal(await done, 0);
    assert.match(out(), /simulator stopped/);
  });

  it("shows a UTF-8 topic as it was typed, in config() and the echo", async () => {
    const { child, out } = start();
    const done = exited(child);
    await waitOutput(child, out, /lightnode \d+\.\d+\.\d+/, 20000);
    child.stdin!.write(
      `config({ssid:"testnet", password:"pw-12345678", broker:"127.0.0.1", port:${broker.port}, topic:"küche"})\n`
    );
    await waitOutput(child, out, /saved/, 5000);
    child.stdin!.write("config()\n");
    await waitOutput(child, out, /"topic":"küche"/, 5000);
    // Nor in the echo of the typed line, when the REPL echoed it (a line piped in before its
    // prompt is not).
    assert.doesNotMatch(out(), /Ã/);
    // Stopping is the first test's (here the node is connected to the broker as it stops).
    child.kill("SIGINT");
    await done;
  });

  it("flips the simulated wall switch with .switch: the node publishes it and the relay follows", async () => {
    const { child, out } = start();
    const done = exited(child);
    await waitOutput(child, out, /lightnode \d/, 20000);
    child.stdin!.write(`config({ssid:"testnet", password:"pw-12345678", broker:"127.0.0.1", port:${broker.port}})\n`);
    await waitOutput(child, out, /-> Active/, 15000);
    const flips: string[] = [];
    broker.aedes.on(
      "publish",
      (p: any, c: any) => c && p.topic === "living_room_lights" && flips.push(p.payload.toString())
    );
    child.stdin!.write(".relay\n");
    await waitOutput(child, out, /relay D12: off/, 5000);
    child.stdin!.write(".switch\n");
    await new Promise((r) => setTimeout(r, 500));
    child.stdin!.write(".relay\n");
    await waitOutput(child, out, /relay D12: on/, 5000);
    assert.deepEqual(flips, ["on"]);
    assert.doesNotMatch(out(), /Uncaught/);
    child.kill("SIGINT");
    assert.equal(await done, 0);
  });

  it("stops cleanly on Ctrl-C while a wizard holds the console", async () => {
    const { child, out } = start();
    const done = exited(child);
    await waitOutput(child, out, /lightnode \d/, 20000);
    child.stdin!.write("LoopbackA.setConsole(); Serial1.on('data', function (d) { Serial1.write('<' + d + '>'); })\n");
    child.stdin!.write("abc\n");
    await waitOutput(child, out, /<abc\r>/, 5000);
    child.kill("SIGINT");
    assert.equal(await done, 0);
  });

  it("--board 1mb runs the 1 MB board's files (no update line); another board is refused", async () => {
    const { child, out } = start("--board", "1mb");
    const done = exited(child);
    await waitOutput(child, out, /lightnode \d+\.\d+\.\d+/, 20000);
    assert.match(out(), /a 1 MB board/);
    assert.doesNotMatch(out(), /npm run ota/);
    child.kill("SIGINT");
    assert.equal(await done, 0);
    const bad = start("--board", "2mb");
    assert.equal(await exited(bad.child), 1);
    assert.match(bad.out(), /--board 2mb: 4mb or 1mb/);
  });

  it("refuses an unknown option with the usage", async () => {
    const { child, out } = start();
    child.kill("SIGINT");
    await exited(child);
    const bad = spawn(path.resolve("node_modules/.bin/tsx"), ["sim/cli.ts", "--brokr", "x"], {
      stdio: ["ignore", "pipe", "pipe"]
    });
    let err = "";
    bad.stderr!.on("data", (d) => (err += d));
    assert.equal(await exited(bad), 1);
    assert.match(err, /unknown option --brokr/);
    assert.match(err, /usage: npm start/);
    void out;
  });

  it("names a mistyped option as unknown, with the one meant, before asking for its value", async () => {
    for (const [program, flag, meant] of [
      ["sim/cli.ts", "--verbos", "--verbose"],
      ["sim/cli.ts", "--htp", "--http"],
      ["sim/remote.ts", "--brokr", "--broker"]
    ]) {
      const bad = spawn(path.resolve("node_modules/.bin/tsx"), [program, flag], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      bad.stderr!.on("data", (d) => (err += d));
      assert.equal(await exited(bad), 1);
      assert.match(err, new RegExp(`^unknown option ${flag} \\(did you mean ${meant}\\?\\)\n`));
      assert.doesNotMatch(err, /needs a value/);
      assert.match(err, /usage: npm (start|run remote)/);
    }
  });

  it("says what .switch and .press did in each mode, and that an unknown command is unknown", async () => {
    const { child, out } = start();
    const done = exited(child);
    await waitOutput(child, out, /lightnode \d/, 20000);
    let mark = out().length;
    const command = async (line: string, re: RegExp) => {
      child.stdin!.write(line + "\n");
      await waitOutput(child, () => out().slice(mark), re, 5000);
      mark = out().length;
      // The input settles (bounce, a press's release) before the next one.
      await new Promise((r) => setTimeout(r, 400));
    };
    await command(".foo", /unknown simulator command \.foo\n\.switch /m);
    await command(".ap sideways", /unknown simulator command \.ap sideways\n/m);
    await command(".help", /\.switch +flip the wall switch/m);
    assert.doesNotMatch(out(), /unknown simulator command \.help/);
    await command(".switch", /wall switch D0 flipped closed: mode toggle, each flip toggles the light\n/m);
    await command(".switch", /wall switch D0 flipped open: mode toggle/m);
    await command(
      ".press",
      /D0 pressed and released: mode toggle reads a wall switch, so that is two flips and the light toggles twice, on and off again; \.switch flips it once\n/m
    );
    child.stdin!.write('config({ssid:"testnet", password:"pw-12345678", broker:"127.0.0.1", mode:"button"})\n');
    await waitOutput(child, () => out().slice(mark), /saved/, 5000);
    await command(".press", /push button D0 pressed and released: mode button, each press toggles the light\n/m);
    await command(".switch", /D0 held closed: mode button reads a push button, so this is a press held down/m);
    await command(".switch", /D0 let go: mode button/m);
    child.stdin!.write('config({mode:"detached"})\n');
    await waitOutput(child, () => out().slice(mark), /saved/, 5000);
    await command(
      ".switch",
      /wall switch D0 flipped closed: mode detached, each flip toggles the light \(detached: the node publishes it, the relay stays on\)\n/m
    );
    assert.doesNotMatch(out(), /Uncaught/);
    child.kill("SIGINT");
    assert.equal(await done, 0);
  });

  it("npm run remote on a port in use says so and names --http", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as any).port;
    try {
      const child = spawn(
        path.resolve("node_modules/.bin/tsx"),
        ["sim/remote.ts", "--broker", "ws://127.0.0.1:9", "--http", String(port)],
        { stdio: ["ignore", "pipe", "pipe"] }
      );
      let err = "";
      child.stderr!.on("data", (d) => (err += d));
      assert.equal(await exited(child), 1);
      assert.match(
        err,
        new RegExp(
          `cannot serve the page on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE; \`npm start\` serves its page there too\\): choose another port with --http PORT`
        )
      );
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
  });

  it("serves the web page (phone app, board panel, the mqtt browser build) with --ws and --http", async () => {
    const ws = await startAedes({ wsPort: 0 });
    const child = spawn(
      path.resolve("node_modules/.bin/tsx"),
      ["sim/cli.ts", "--broker", ws.url, "--ws", ws.wsUrl!, "--http", "0", "--data", dataDir],
      { stdio: ["pipe", "pipe", "pipe"] }
    );
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const done = exited(child);
    try {
      await waitOutput(child, () => out, /web page: +http:\/\/127\.0\.0\.1:\d+\/[^]*lightnode \d/, 20000);
      const url = /web page: +(http:\S+)/.exec(out)![1];
      const page = await (await fetch(url)).text();
      assert.match(page, /Phone app/);
      assert.match(page, /Simulated board/);
      const cfg = await (await fetch(url + "config.json")).json();
      assert.deepEqual(cfg, { mqtt: ws.wsUrl, topic: "living_room_lights", board: true });
      const lib = await fetch(url + "mqtt.min.js");
      assert.equal(lib.status, 200);
      assert.match(await lib.text(), /var mqtt=/);
      // The board's controls want the page's header: another site cannot press the switch.
      assert.equal((await fetch(url + "board/flip", { method: "POST" })).status, 404);
      assert.equal(
        (await fetch(url + "board/flip", { method: "POST", headers: { "x-lightnode": "board" } })).status,
        204
      );
      // The hint comes before the board's first words.
      assert.ok(out.indexOf("web page:") < out.indexOf("lightnode 0"), out);
    } finally {
      child.kill("SIGINT");
      assert.equal(await done, 0);
      await ws.close();
    }
  });

  it("npm run remote serves the phone app alone, and wants a ws:// broker", async () => {
    const bad = spawn(path.resolve("node_modules/.bin/tsx"), ["sim/remote.ts", "--broker", "mqtt://127.0.0.1:1883"], {
      stdio: ["ignore", "pipe", "pipe"]
    });
    let err = "";
    bad.stderr!.on("data", (d) => (err += d));
    assert.equal(await exited(bad), 1);
    assert.match(err, /--broker ws:\/\/host:port is needed/);
    const child = spawn(
      path.resolve("node_modules/.bin/tsx"),
      ["sim/remote.ts", "--broker", "ws://127.0.0.1:9", "--topic", "hall", "--http", "0"],
      { stdio: ["ignore", "pipe", "pipe"] }
    );
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    const done = exited(child);
    try {
      await waitOutput(child, () => out, /lightnode remote: http:\S+/, 20000);
      const url = /remote: (http:\S+)/.exec(out)![1];
      assert.deepEqual(await (await fetch(url + "config.json")).json(), {
        mqtt: "ws://127.0.0.1:9",
        topic: "hall",
        board: false
      });
      assert.equal((await fetch(url + "events")).status, 404);
    } finally {
      child.kill("SIGINT");
      assert.equal(await done, 0);
    }
  });
});
