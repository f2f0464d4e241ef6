// npm run ota -- --new-key FILE, run as the README shows it: into a folder that does not exist
// yet, as a fresh machine has no ~/.lightnode/.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

describe("ota: --new-key", function () {
  this.timeout(20000);
  let home: string;
  beforeEach(() => (home = mkdtempSync(path.join(tmpdir(), "lightnode-key-"))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const run = (file: string) =>
    spawnSync(process.execPath, ["scripts/ota.mjs", "--new-key", file], { encoding: "utf8" });

  it("makes the folder (owner only), writes the key with mode 0600, prints only the line to type", function () {
    const file = path.join(home, ".lightnode", "kitchen.key");
    const out = run(file);
    assert.equal(out.status, 0, out.stderr);
    const key = readFileSync(file, "latin1").trim();
    assert.match(key, /^[A-Za-z0-9+/]{24}$/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(out.stdout.split(key).length - 1, 1, "the key once, in the config({key}) line");
    assert.match(out.stdout, new RegExp(`config\\(\\{key: "${key.replace(/[+/]/g, "\\$&")}"\\}\\)`));
  });

  it("never overwrites a key file", function () {
    const file = path.join(home, "k.key");
    assert.equal(run(file).status, 0);
    const key = readFileSync(file, "latin1");
    const again = run(file);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /exists: a key is never overwritten/);
    assert.equal(readFileSync(file, "latin1"), key);
  });
});
