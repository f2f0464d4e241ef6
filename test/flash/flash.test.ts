// `npm run flash` without a board: the dry run shows exactly what would be sent, and a missing
// board fails fast with a clear message instead of hanging.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

function flash(...args: string[]) {
  const started = Date.now();
  const run = spawnSync(process.execPath, ["scripts/flash.mjs", ...args], { encoding: "utf8", timeout: 30000, env: { ...process.env, ESPRUINO_PORT: "" } });
  return { status: run.status, out: run.stdout, err: run.stderr, ms: Date.now() - started };
}

describe("flash", () => {
  it("--dry-run prints the espruino command from espruino.config.js", () => {
    const r = flash("--dry-run");
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /espruino --no-ble --board scripts\/boards\/ESP8266_4MB\.json -p \/dev\/ttyUSB0 -b 115200 --storage \.bootcde:build\/firmware\.min\.js -e 'load\(\)'/);
  });

  it("--dry-run sends the minified firmware byte for byte into .bootcde, then load()", () => {
    const r = flash("--dry-run");
    const sent = r.out.split("--- end ---")[0].split(/no-echo mark\) ---\n/)[1];
    const lines = sent.trim().split("\n");
    assert.equal(lines[lines.length - 1], "load()");
    let stored = "";
    for (const line of lines.slice(0, -1)) {
      const m = /^require\("Storage"\)\.write\("\.bootcde",atob\("([A-Za-z0-9+/=]+)"\),(\d+)(,\d+)?\)$/.exec(line);
      assert.ok(m, "unexpected line sent: " + line.slice(0, 80));
      assert.equal(Number(m![2]), stored.length, "chunks are written in order at their offsets");
      stored += Buffer.from(m![1], "base64").toString("latin1");
    }
    assert.equal(stored, readFileSync("build/firmware.min.js", "latin1"));
  });

  it("--port and --board override the configuration", () => {
    const r = flash("--dry-run", "--port", "/dev/ttyACM7", "--board=ESP8266_BOARD");
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /--board scripts\/boards\/ESP8266_BOARD\.json -p \/dev\/ttyACM7 /);
  });

  it("fails fast and clearly when no board is attached", () => {
    const r = flash("--port", "/dev/ttyUSB-lightnode-absent");
    assert.equal(r.status, 1);
    assert.match(r.err, /no board attached: serial port \/dev\/ttyUSB-lightnode-absent does not exist/);
    assert.match(r.err, /--port/);
    assert.ok(r.ms < 5000, `took ${r.ms} ms`);
  });

  it("refuses unknown options instead of flashing", () => {
    const r = flash("--prot", "/dev/ttyUSB0");
    assert.equal(r.status, 1);
    assert.match(r.err, /unknown option --prot/);
  });
});
