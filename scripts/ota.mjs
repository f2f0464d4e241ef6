// `npm run ota`: updates a node over MQTT (issue 18; README, "Updating over the air").
//   npm run ota -- --broker mqtt://HOST[:PORT] [--topic BASE] --key-file FILE [--force]
//       reads which set of files the node runs (<base>/info), builds the other set
//       (scripts/build.mjs --set X), signs its manifest with the node's key, sends it in chunks
//       (each acknowledged by the node before the next), then waits, bounded, for the node to
//       confirm the new version or roll back. Exits non-zero on any failure.
//   npm run ota -- --new-key FILE
//       writes a new key (mode 0600) and prints the one config({...}) line to type at the console.
// Options: --timeout S (the wait after the transfer, 300 s), --chunk N (bytes per chunk), --user U
// --pass P (the broker's credentials), --dir DIR (send a set already built there).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import path from "node:path";
import mqtt from "mqtt";
import { begin, chunks, manifest, maxChunk, newKey } from "./ota-image.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// The node's chunk by default: small enough for its RAM at Active (test/board/ota.board.ts
// measures the peak with it).
const CHUNK = 64;
// How long the node may take to answer a chunk before it is sent again, and how often.
const ACK_MS = 10000;
const RESENDS = 5;
// Transfers started again after the node lost the one under way (a reconnect, a broker restart).
const RESTARTS = 3;

function fail(message) {
  console.error("ota: " + message);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { topic: "living_room_lights", force: false, timeout: 300, chunk: CHUNK };
  const valued = {
    "--broker": "broker",
    "--topic": "topic",
    "--key-file": "keyFile",
    "--new-key": "newKey",
    "--timeout": "timeout",
    "--chunk": "chunk",
    "--user": "user",
    "--pass": "pass",
    "--dir": "dir"
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    if (flag === "--force") opts.force = true;
    else if (valued[flag]) {
      const value = inline !== undefined ? inline : argv[++i];
      if (value === undefined || value === "") fail(`${flag} needs a value`);
      opts[valued[flag]] = value;
    } else fail(`unknown option ${argv[i]} (known: ${Object.keys(valued).join(", ")}, --force)`);
  }
  opts.timeout = Number(opts.timeout);
  opts.chunk = Number(opts.chunk);
  if (!(opts.timeout > 0)) fail("--timeout takes seconds");
  if (!(opts.chunk >= 16)) fail("--chunk takes at least 16 bytes");
  return opts;
}

// The key is never printed, except in the one line --new-key prints for the user to type.
function writeNewKey(file) {
  const key = newKey();
  try {
    // A folder made for keys (as the README's ~/.lightnode/) is the owner's alone.
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    writeFileSync(file, key + "\n", { mode: 0o600, flag: "wx" });
  } catch (e) {
    fail(
      e.code === "EEXIST"
        ? `${file} exists: a key is never overwritten (the node may hold it)`
        : `cannot write ${file}: ${e.message}`
    );
  }
  console.log(`ota: a new update key is in ${file} (mode 0600). Type this line at the node's serial console:`);
  console.log(`config({key: "${key}"})`);
}

function readKey(file) {
  let key;
  try {
    key = readFileSync(file, "latin1").trim();
  } catch (e) {
    fail(`cannot read the key file ${file}: ${e.message}`);
  }
  if (!/^[ -~]{16,64}$/.test(key)) fail(`the key in ${file} is not 16-64 printable ASCII characters`);
  return key;
}

// The other set's files, built (or taken from --dir), in the order the image sends them (the boot
// code last; every file is checked against the manifest before the switch anyway).
function buildSet(set, dir) {
  let out = dir;
  if (!out) {
    out = mkdtempSync(path.join(tmpdir(), "lightnode-ota-"));
    console.log(`ota: building set ${set}`);
    execFileSync(process.execPath, [path.join(root, "scripts", "build.mjs"), "--set", set, "--out", out], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"]
    });
  }
  const names = readdirSync(out)
    .filter((n) => n.startsWith(`ln.${set}.`))
    .sort((a, b) => (a.endsWith(".boot") ? 1 : 0) - (b.endsWith(".boot") ? 1 : 0) || a.localeCompare(b));
  const files = names.map((name) => ({ name, data: readFileSync(path.join(out, name)) }));
  if (!dir) rmSync(out, { recursive: true, force: true });
  if (!files.some((f) => f.name.endsWith(".boot"))) fail(`no ln.${set}.boot in ${out}`);
  return files;
}

function bar(done, total) {
  const width = 30;
  const n = Math.round((done / total) * width);
  return `[${"#".repeat(n)}${".".repeat(width - n)}] ${String(Math.floor((done * 100) / total)).padStart(3)}% ${(done / 1024).toFixed(1)}/${(total / 1024).toFixed(1)} KB`;
}

// Messages on the node's topics as a queue the transfer waits on.
function listen(client, base) {
  const waiting = [];
  const latest = {};
  client.on("message", (topic, payload, packet) => {
    const text = payload.toString("latin1");
    latest[topic] = { text, retained: packet.retain };
    for (const w of waiting.slice())
      if (w.topic === topic && w.test(text, packet.retain)) {
        waiting.splice(waiting.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(text);
      }
  });
  return {
    latest,
    // The next message on `topic` that passes `test`, or null after `ms`.
    next(topic, test, ms) {
      return new Promise((resolve) => {
        const w = { topic: base + topic, test, resolve };
        w.timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(w), 1);
          resolve(null);
        }, ms);
        waiting.push(w);
      });
    }
  };
}

async function update(opts) {
  const key = readKey(opts.keyFile);
  const base = opts.topic;
  const client = mqtt.connect(opts.broker, {
    username: opts.user,
    password: opts.pass,
    reconnectPeriod: 1000,
    connectTimeout: 10000,
    clientId: "lightnode-ota-" + process.pid
  });
  // Each error once in a row: the client retries every second.
  let lastError = "";
  client.on("error", (e) => {
    if (e.message !== lastError) console.error("ota: broker: " + (lastError = e.message));
  });
  const bus = listen(client, base);
  const connected = await new Promise((resolve) => {
    client.once("connect", () => resolve(true));
    setTimeout(() => resolve(false), 15000);
  });
  if (!connected) fail(`no broker at ${opts.broker}`);
  const infoCame = bus.next("/info", (t) => t !== "", 10000);
  await client.subscribeAsync([base + "/info", base + "/ota/state", base + "/ota/ack"], { qos: 1 });
  const infoText = await infoCame;
  if (!infoText) fail(`no node answers on ${base}/info (is it online, and is --topic its base topic?)`);
  const info = JSON.parse(infoText);
  const state = bus.latest[base + "/ota/state"];
  console.log(
    `ota: the node runs version ${info.version}` +
      (info.set ? `, set ${info.set}` : "") +
      (state ? `; its update state: ${state.text}` : "")
  );
  if (!info.set) fail("this node takes no updates: a 1 MB board has no room for a second copy; use npm run flash");
  // <base>/info is what the node said when it last connected: a key typed since then is not in it,
  // so this only warns; the node itself refuses an update when it has no key.
  if (info.key !== "set")
    console.log(
      "ota: the node had no update key when it connected (if it still has none it refuses: type at its console the config({key: ...}) line that npm run ota -- --new-key FILE prints)"
    );
  const set = info.set === "a" ? "b" : "a";
  const files = buildSet(set, opts.dir);
  const version =
    process.env.LIGHTNODE_VERSION || JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;
  const text = manifest({ version, set, from: info.version, force: opts.force, files });
  const total = files.reduce((n, f) => n + f.data.length, 0);
  const size = Math.min(opts.chunk, maxChunk(base + "/ota", total));
  const parts = chunks(files, size);
  console.log(
    `ota: sending version ${version} as set ${set}: ${files.map((f) => `${f.name} ${f.data.length}`).join(", ")} (${total} bytes, ${parts.length} chunks)`
  );
  const started = Date.now();
  // The node's live states from here on (a retained one is an earlier update's): the outcome ends
  // the wait, the steps before it are printed as they come.
  let outcome = null;
  const ended = new Promise((resolve) => {
    client.on("message", (topic, payload, packet) => {
      const t = payload.toString("latin1");
      if (topic !== base + "/ota/state" || packet.retain) return;
      if (/^(confirmed|rolled back|refused)/.test(t)) resolve((outcome = outcome || t));
      else if (!t.startsWith("receiving")) console.log("\nota: node: " + t);
    });
  });
  const refused = ended;
  for (let restart = 0; ; restart++) {
    if (restart > RESTARTS) fail(`the transfer was cut ${RESTARTS + 1} times: giving up (the node runs its old set)`);
    if (restart) console.log(`\nota: the node lost the transfer: starting again (${restart} of ${RESTARTS})`);
    // The manifest: answered by ack 0, or refused.
    let ack = bus.next("/ota/ack", (t) => t === "0", ACK_MS);
    await client.publishAsync(base + "/ota", begin(key, text), { qos: 1 });
    const first = await Promise.race([ack, refused]);
    if (outcome) fail(outcome);
    if (first === null) continue;
    let i = 0,
      tries = 0,
      lost = false;
    while (i < parts.length) {
      const p = parts[i];
      ack = bus.next("/ota/ack", (t) => t === "restart" || Number(t) >= p.end || Number(t) < p.offset, ACK_MS);
      await client.publishAsync(base + "/ota", p.payload, { qos: 1 });
      const got = await Promise.race([ack, refused]);
      if (outcome) fail("\n" + outcome);
      if (got === null) {
        if (++tries > RESENDS)
          fail(`\nno answer from the node for ${(RESENDS * ACK_MS) / 1000} s (the node runs its old set)`);
        continue;
      }
      tries = 0;
      if (got === "restart") {
        lost = true;
        break;
      }
      // The offset the node expects next: forward (this chunk), or back (it lost some).
      const at = Number(got);
      i = parts.findIndex((q) => q.offset === at);
      if (i < 0) i = parts.length;
      process.stdout.write("\r" + bar(Math.min(at, total), total));
    }
    if (!lost) break;
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`\nota: sent ${total} bytes in ${seconds.toFixed(1)} s; the node checks, switches and restarts`);
  const end = await Promise.race([
    ended,
    new Promise((resolve) => setTimeout(() => resolve(null), opts.timeout * 1000))
  ]);
  client.end();
  if (!end) fail(`no outcome within ${opts.timeout} s (the node rolls back by itself if the new set does not confirm)`);
  console.log("ota: node: " + end);
  if (!end.startsWith("confirmed")) process.exit(1);
  console.log(`ota: done: version ${version} runs (transfer ${seconds.toFixed(1)} s)`);
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
if (opts.newKey) writeNewKey(opts.newKey);
else {
  if (!opts.broker) fail("--broker mqtt://HOST[:PORT] is needed (or --new-key FILE)");
  if (!opts.keyFile) fail("--key-file FILE is needed (npm run ota -- --new-key FILE makes one)");
  update(opts).catch((e) => fail(e && e.message ? e.message : String(e)));
}
