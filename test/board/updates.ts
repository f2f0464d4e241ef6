// The board tests' update sender (the host tool's steps, one at a time, so that a test can stop
// anywhere in them): set builds, the signed manifest and the chunks of scripts/ota-image.mjs
// published on the node's update topic, the node's acknowledgements and states heard by the phone.
// Used by test/board/ota.board.ts and bench/board/ota-compaction.ts.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Board, sleep, TOPIC } from "./harness";
import { begin } from "../../scripts/ota-image.mjs";

export const root = path.resolve(__dirname, "..", "..");
// Publishes bytes as they are (a string would go out as UTF-8) on the node's update topic.
export function put(b: Board, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    b.phone.publish(TOPIC + "/ota", payload, { qos: 1 }, (e) => (e ? reject(e) : resolve()))
  );
}
export const KEY = "Zm9vYmFyMDEyMzQ1Njc4OWFi";
export const OTHER_KEY = "b3RoZXJrZXkwMTIzNDU2Nzg5";
export const dir = mkdtempSync(path.join(tmpdir(), "lightnode-ota-test-"));
export const keyFile = path.join(dir, "key");
export const otherKeyFile = path.join(dir, "other-key");
writeFileSync(keyFile, KEY + "\n", { mode: 0o600 });
writeFileSync(otherKeyFile, OTHER_KEY + "\n", { mode: 0o600 });

// Set `set` built as version `version`, in a folder of its own (built once per pair).
const built: Record<string, string> = {};
export function buildSet(set: string, version: string): string {
  const key = set + version;
  if (built[key]) return built[key];
  const out = path.join(dir, key);
  execFileSync(process.execPath, [path.join(root, "scripts", "build.mjs"), "--set", set, "--out", out], {
    cwd: root,
    env: { ...process.env, LIGHTNODE_VERSION: version },
    stdio: "ignore"
  });
  return (built[key] = out);
}

export function setFiles(out: string) {
  return readdirSync(out)
    .sort((a, b) => (a.endsWith(".boot") ? 1 : 0) - (b.endsWith(".boot") ? 1 : 0) || a.localeCompare(b))
    .map((name) => ({ name, data: readFileSync(path.join(out, name)) }));
}

// The first state from index `from` of the phone's messages on, matching `re` (none missed
// however fast they come).
export async function stateFrom(b: Board, from: number, re: RegExp, ms = 60000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const got = b.heard.slice(from).find((h) => h[0] === TOPIC + "/ota/state" && re.test(h[1]));
    if (got) return got[1];
    if (Date.now() > end) throw new Error(`no state ${re} within ${ms} ms`);
    await sleep(5);
  }
}

// Starts a transfer: the signed manifest `text` under KEY, acknowledged by the node with offset 0.
export async function beginUpdate(b: Board, text: Buffer): Promise<void> {
  const ack0 = b.hear(TOPIC + "/ota/ack");
  await put(b, begin(KEY, text));
  assert.equal(await ack0, "0");
}

// Sends chunks one at a time, each once the one before is acknowledged with its end offset.
export async function sendChunks(b: Board, parts: { payload: Buffer; end: number }[]): Promise<void> {
  for (const c of parts) {
    const ack = b.hear(TOPIC + "/ota/ack");
    await put(b, c.payload);
    assert.equal(await ack, String(c.end));
  }
}

// What the node says it runs, from its retained <base>/info.
export async function running(b: Board): Promise<{ version: string; set: string; key?: string }> {
  b.phone.unsubscribe(TOPIC + "/info");
  const info = b.hear(TOPIC + "/info");
  b.phone.subscribe(TOPIC + "/info");
  return JSON.parse(await info);
}
