// `npm run flash` without a board: the dry run shows exactly what would be sent, and a missing
// board fails fast with a clear message instead of hanging.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

function flash(...args: string[]) {
  const started = Date.now();
  const run = spawnSync(process.execPath, ["scripts/flash.mjs", ...args], {
    encoding: "utf8",
    timeout: 30000,
    env: { ...process.env, ESPRUINO_PORT: "" }
  });
  return { status: run.status, out: run.stdout, err: run.stderr, ms: Date.now() - started };
}

// The files a dry run would write, reassembled from its chunks, and the line it ends with.
function sentFiles(out: string): { stored: { [name: string]: string }; last: string } {
  const sent = out.split("--- end ---")[0].split(/no-echo mark\) ---\n/)[1];
  const lines = sent.trim().split("\n");
  const stored: { [name: string]: string } = {};
  for (const line of lines.slice(0, -1)) {
    const m = /^require\("Storage"\)\.write\("([^"]+)",atob\("([A-Za-z0-9+/=]+)"\),(\d+)(,\d+)?\)$/.exec(line);
    assert.ok(m, "unexpected line sent: " + line.slice(0, 80));
    const so_far = stored[m![1]] || "";
    assert.equal(Number(m![3]), so_far.length, "chunks are written in order at their offsets");
    stored[m![1]] = so_far + Buffer.from(m![2], "base64").toString("latin1");
  }
  return { stored, last: lines[lines.length - 1] };
}

describe("flash", () => {
  it("--dry-run prints the espruino command from espruino.config.js (a 4 MB board: build/storage-4mb/)", () => {
    const r = flash("--dry-run");
    assert.equal(r.status, 0, r.err);
    assert.match(
      r.out,
      /espruino --no-ble --board scripts\/boards\/ESP8266_4MB\.json -p \/dev\/ttyUSB0 -b 115200 --storage \.bootcde:build\/storage-4mb\/\.bootcde --storage ln\.a\.boot:build\/storage-4mb\/ln\.a\.boot --storage ln\.a\.con:build\/storage-4mb\/ln\.a\.con --storage ln\.a\.gst:build\/storage-4mb\/ln\.a\.gst --storage ln\.a\.net:build\/storage-4mb\/ln\.a\.net /
    );
  });

  it("--dry-run on a 1 MB board sends every file of build/storage/ byte for byte under its name, then load()", () => {
    const r = flash("--dry-run", "--board", "ESP8266_BOARD");
    assert.equal(r.status, 0, r.err);
    assert.match(
      r.out,
      /--storage \.bootcde:build\/storage\/\.bootcde --storage lightnode\.con:build\/storage\/lightnode\.con --storage lightnode\.net:build\/storage\/lightnode\.net -e 'load\(\)'/
    );
    const { stored, last } = sentFiles(r.out);
    assert.equal(last, "load()");
    assert.deepEqual(Object.keys(stored).sort(), readdirSync("build/storage").sort());
    for (const name of Object.keys(stored))
      assert.equal(stored[name], readFileSync("build/storage/" + name, "latin1"), name);
    assert.equal(Object.keys(stored).length, 3);
  });

  it("--dry-run on a 4 MB board sends the loader and set a byte for byte, erases set b and the boot record, then load()", () => {
    const r = flash("--dry-run");
    const { stored, last } = sentFiles(r.out);
    for (const name of [".bootcde", "ln.a.boot", "ln.a.con", "ln.a.net", "ln.tick"]) assert.ok(name in stored, name);
    assert.deepEqual(Object.keys(stored).sort(), readdirSync("build/storage-4mb").sort());
    for (const name of Object.keys(stored))
      assert.equal(stored[name], readFileSync("build/storage-4mb/" + name, "latin1"), name);
    assert.equal(last, 'var s=require("Storage");s.list(/^ln\\.b/).forEach(function(f){s.erase(f)});load()');
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
