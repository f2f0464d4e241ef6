// The real-interpreter suite (test/board/*.board.ts), once per board shape, each in a network
// namespace of its own (bench/board/own-network.sh: the interpreter's telnet console is on the
// fixed port 2323), the shapes side by side. ESPRUINO_BIN_4MB / ESPRUINO_BIN_1MB are the
// interpreters (README: building them); a shape without one is skipped with the reason, except
// under CI=true, where that is an error. Extra arguments go to mocha: files instead of all of
// test/board/*.board.ts, or options such as --grep.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const SHAPES = [
  ["4mb", "ESPRUINO_BIN_4MB"],
  ["1mb", "ESPRUINO_BIN_1MB"]
];
const ci = process.env.CI === "true";

const runs = [];
let missing = 0;
for (const [shape, variable] of SHAPES) {
  const bin = process.env[variable];
  if (bin && existsSync(bin)) runs.push({ shape, bin: path.resolve(bin) });
  else {
    missing++;
    const why = bin ? `${variable}=${bin} does not exist` : `${variable} is not set`;
    console.log(
      `board suite (espruino-esp8266-${shape}): ${ci ? "ERROR" : "skipped"}: ${why}; ` +
        'build the interpreters with ../shared/espruino/build.sh DIR, or as the README\'s "Building the interpreters" says'
    );
  }
}

function run({ shape, bin }, live) {
  const started = Date.now();
  const mocha = path.join(root, "node_modules", "mocha", "bin", "mocha.js");
  const extra = process.argv.slice(2);
  const files = extra.some((a) => /\.board\.ts$/.test(a)) ? [] : ["test/board/**/*.board.ts"];
  const args = [process.execPath, mocha, "--config", "test/board/mocharc.json", ...files, ...extra];
  const child = spawn(path.join(root, "bench", "board", "own-network.sh"), args, {
    cwd: root,
    env: { ...process.env, BOARD_SHAPE: shape, BOARD_BIN: bin },
    stdio: ["ignore", live ? "inherit" : "pipe", live ? "inherit" : "pipe"]
  });
  let held = "";
  if (!live) {
    child.stdout.on("data", (d) => (held += d));
    child.stderr.on("data", (d) => (held += d));
  }
  return new Promise((resolve) => {
    child.on("close", (code) => {
      if (held) process.stdout.write(held);
      const s = Math.round((Date.now() - started) / 1000);
      console.log(`board suite (espruino-esp8266-${shape}): ${code === 0 ? "passed" : "FAILED"} in ${s} s`);
      resolve(code === 0);
    });
  });
}

const results = await Promise.all(runs.map((r, n) => run(r, n === 0)));
process.exit(results.every(Boolean) && !(ci && missing) ? 0 : 1);
