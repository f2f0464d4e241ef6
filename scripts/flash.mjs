// `npm run flash`: writes every file of the board's layout to its Storage under its own name with
// the espruino CLI, then runs `load()`, which restarts the interpreter from flash exactly as at
// power-on. The layout follows the board (README, Flashing):
//   ESP8266_BOARD (1 MB flash, 16 KB Storage): build/storage/: `.bootcde`, the boot code,
//     `lightnode.con`, the console's code, and `lightnode.net`, the connection's (their functions
//     run from flash and cost few RAM variables); no room for a second copy, so no updates;
//   ESP8266_4MB (192 KB Storage): build/storage-4mb/: the loader as `.bootcde` and set a
//     (`ln.a.*`); then it erases set b and the boot record, so that the board boots set a.
// Port, baud and board come from espruino.config.js; `--port`, `--baud`, `--board` override. The board description is a local
// JSON (scripts/boards/) and BLE is off, so the CLI never goes to the network.
// `--dry-run` prints the command and exactly what it would send, without a board.
// Fails fast when the serial port does not exist, and kills the CLI after `--timeout` seconds.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const CLI = path.join(root, "node_modules", "espruino", "bin", "espruino-cli.js");
// Per board: the folder flashed, and what runs after the files are written. On 4 MB, `ln.b`
// starts both set b's files (ln.b.boot...) and the boot record's two slots (ln.boot.0, ln.boot.1);
// one regular expression without groups (Espruino's RegExp has no alternation inside a group).
const LAYOUTS = {
  ESP8266_BOARD: { dir: path.join(root, "build", "storage"), restart: "load()" },
  ESP8266_4MB: {
    dir: path.join(root, "build", "storage-4mb"),
    restart: 'var s=require("Storage");s.list(/^ln\\.b/).forEach(function(f){s.erase(f)});load()'
  }
};

function fail(message) {
  console.error("flash: " + message);
  process.exit(1);
}

// --port X / --port=X style options; anything unknown is an error (a typo must not flash).
function parseArgs(argv) {
  const opts = { dryRun: false };
  const valued = { "--port": "port", "--baud": "baud", "--board": "board", "--timeout": "timeout", "--dir": "dir" };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    if (flag === "--dry-run") opts.dryRun = true;
    else if (valued[flag]) {
      const value = inline !== undefined ? inline : argv[++i];
      if (value === undefined || value === "") fail(`${flag} needs a value`);
      opts[valued[flag]] = value;
    } else fail(`unknown option ${argv[i]} (known: --port, --baud, --board, --timeout, --dir, --dry-run)`);
  }
  return opts;
}

function shellQuote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : "'" + arg.replace(/'/g, "'\\''") + "'";
}

function settings(opts) {
  const config = require(path.join(root, "espruino.config.js"));
  const board = opts.board || config.board;
  const boardFile = path.join(root, "scripts", "boards", board + ".json");
  if (!existsSync(boardFile))
    fail(`no board description ${path.relative(root, boardFile)} (known: ESP8266_4MB, ESP8266_BOARD)`);
  const baud = Number(opts.baud || config.baud);
  if (!Number.isInteger(baud) || baud <= 0) fail(`bad baud rate ${opts.baud || config.baud}`);
  const timeout = Number(opts.timeout || 60);
  if (!(timeout > 0)) fail(`bad --timeout ${opts.timeout}`);
  const layout = LAYOUTS[board];
  const dir = path.resolve(opts.dir || layout.dir);
  if (!existsSync(path.join(dir, ".bootcde")))
    fail(`${path.relative(root, dir)}/.bootcde does not exist: run npm run build`);
  const files = readdirSync(dir)
    .sort()
    .map((name) => ({ name, path: path.join(dir, name), size: statSync(path.join(dir, name)).size }));
  return { port: opts.port || config.port, baud, board, boardFile, timeout, files, restart: layout.restart };
}

// The espruino CLI arguments; `port` null means "write to `out` instead of a board".
function cliArgs(s, port, out) {
  const rel = (p) => path.relative(root, p);
  const args = ["--no-ble", "--board", rel(s.boardFile)];
  if (port) args.push("-p", port, "-b", String(s.baud));
  else args.push("-o", out);
  for (const f of s.files) args.push("--storage", f.name + ":" + rel(f.path));
  args.push("-e", s.restart);
  return args;
}

function dryRun(s) {
  const dir = mkdtempSync(path.join(tmpdir(), "lightnode-flash-"));
  try {
    const out = path.join(dir, "upload.js");
    const run = spawnSync(process.execPath, [CLI, ...cliArgs(s, null, out)], {
      cwd: root,
      encoding: "utf8",
      timeout: s.timeout * 1000
    });
    if (run.status !== 0 || !existsSync(out))
      fail("the espruino CLI could not prepare the upload:\n" + (run.stderr || run.stdout));
    console.log("flash (dry run): would run");
    console.log("  espruino " + cliArgs(s, s.port, null).map(shellQuote).join(" "));
    for (const f of s.files)
      console.log(`storing ${path.relative(root, f.path)} (${f.size} bytes) as Storage file ${f.name}`);
    console.log(`on ${s.board} at ${s.port}, ${s.baud} baud, then ${s.restart}`);
    console.log("--- exactly what it sends to the board's console (after getting a '>' prompt, the CLI");
    console.log("--- sends \\x10print() first and prefixes each line with \\x10, Espruino's no-echo mark) ---");
    process.stdout.write(readFileSync(out, "latin1"));
    console.log("--- end ---");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A local serial port must exist before we hand it to the CLI (which would otherwise wait).
function checkPort(port) {
  if (/^(tcp:\/\/|[0-9a-f]{2}(:[0-9a-f]{2}){5}$)/i.test(port)) return;
  if (!existsSync(port)) {
    fail(
      `no board attached: serial port ${port} does not exist.\n` +
        "  Plug the board in, or pass the right one: npm run flash -- --port /dev/ttyUSB1\n" +
        "  (candidates: ls /dev/ttyUSB* /dev/ttyACM*; or set port in espruino.config.js / ESPRUINO_PORT)"
    );
  }
}

function flash(s) {
  checkPort(s.port);
  const args = cliArgs(s, s.port, null);
  console.log("flash: espruino " + args.map(shellQuote).join(" "));
  const child = spawn(process.execPath, [CLI, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (stream, sink) =>
    stream.on("data", (d) => {
      output += d;
      sink.write(d);
    });
  collect(child.stdout, process.stdout);
  collect(child.stderr, process.stderr);
  const timer = setTimeout(() => {
    child.kill("SIGKILL");
    fail(
      `the board at ${s.port} did not finish within ${s.timeout} s (is it an Espruino board, at ${s.baud} baud, and is its console free?)`
    );
  }, s.timeout * 1000);
  child.on("exit", (code) => {
    clearTimeout(timer);
    if (code !== 0 || /Unable to connect|not found|Error/i.test(output))
      fail(`the espruino CLI failed (exit code ${code})`);
    console.log(`flash: stored ${s.files.map((f) => f.name).join(", ")} and restarted the firmware with ${s.restart}`);
  });
}

const opts = parseArgs(process.argv.slice(2));
const s = settings(opts);
if (opts.dryRun) dryRun(s);
else flash(s);
