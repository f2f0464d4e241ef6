// The update's manifest, signature and chunks: the board's own code (src/ota/protocol.ts, run
// here with Node's SHA-1 as the one native function it needs) against the host's
// (scripts/ota-image.mjs) and Node's crypto as the reference (RFC 2104's HMAC, SHA-1).
import { strict as assert } from "node:assert";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { digest, entry, hmac, MANIFEST_AT, MANIFEST_MAX, older, PIECE } from "../../src/ota/protocol";
import * as host from "../../scripts/ota-image.mjs";

// SHA-1 of an 8-bit string, as a string: what the receiver gets from require("crypto").SHA1 and
// E.toString on the board.
const sha1 = (s: string) => createHash("sha1").update(Buffer.from(s, "latin1")).digest("latin1");
const latin1 = (b: Buffer) => b.toString("latin1");

function files(sizes: number[]) {
  return sizes.map((n, i) => ({ name: "ln.b." + ["con", "net", "ota", "boot"][i], data: randomBytes(n) }));
}

describe("ota: manifest, HMAC and chunks", function () {
  it("HMAC-SHA1 equals Node's for keys of 16, 40 and 64 bytes and messages up to the manifest's limit, the whole message or from an offset", function () {
    for (const key of ["0123456789abcdef", "0123456789abcdef0123456789abcdef01234567", "k".repeat(64)])
      for (const n of [0, 1, 63, 64, 65, 200, MANIFEST_MAX]) {
        const msg = latin1(randomBytes(n));
        const reference = createHmac("sha1", Buffer.from(key, "latin1"))
          .update(Buffer.from(msg, "latin1"))
          .digest("latin1");
        assert.equal(hmac(key, msg, sha1), reference, `key ${key.length}, message ${n}`);
        // As the receiver calls it: the manifest after the "M" message's head of MANIFEST_AT bytes.
        const head = latin1(randomBytes(MANIFEST_AT));
        assert.equal(hmac(key, head + msg, sha1, MANIFEST_AT), reference, `key ${key.length}, message ${n} at 29`);
      }
  });

  it("a file's digest is the chain h = SHA1(h + piece) over pieces of 256 bytes, on the board as on the host", function () {
    for (const n of [1, PIECE - 1, PIECE, PIECE + 1, 7145]) {
      const data = randomBytes(n);
      let h = Buffer.alloc(0);
      for (let o = 0; o < n; o += PIECE)
        h = createHash("sha1")
          .update(Buffer.concat([h, data.subarray(o, o + PIECE)]))
          .digest();
      const onBoard = digest("ln.b.boot", n, (name, o, len) => latin1(data.subarray(o, o + len)), sha1);
      assert.equal(onBoard, latin1(h));
      assert.equal(latin1(host.digest(data)), onBoard);
    }
  });

  it("a digest sees one changed byte anywhere", function () {
    const data = randomBytes(1000);
    const before = latin1(host.digest(data));
    for (const at of [0, 255, 256, 999]) {
      const d = Buffer.from(data);
      d[at] ^= 1;
      assert.notEqual(latin1(host.digest(d)), before, `byte ${at}`);
    }
  });

  it("the host's manifest reads back on the board: version, set, from, force, and each file's name, size and digest", function () {
    const f = files([3442, 1875, 2857, 7145]);
    const m = host.manifest({ version: "0.2.0", set: "b", from: "0.1.0", force: true, files: f });
    assert.ok(m.length <= MANIFEST_MAX);
    const message = latin1(host.begin("0123456789abcdef0123456789abcdef01234567", m));
    assert.equal(message.slice(MANIFEST_AT, message.indexOf("\n")), "0.2.0 b 0.1.0 1");
    const read = [];
    for (let k = 0, e; (e = entry(message, k)); k++) read.push(e.slice(0, 3));
    assert.deepEqual(
      read,
      f.map((x) => [x.name.slice(5), x.data.length, latin1(host.digest(x.data))])
    );
  });

  it("a digest holding spaces and newlines is read by its length, not by separators", function () {
    const f = files([10]);
    // Find data whose digest has a space and a newline (random search: about 1 in 15 tries).
    for (let i = 0; ; i++) {
      const d = latin1(host.digest(f[0].data));
      if (d.includes(" ") && d.includes("\n")) break;
      f[0].data = randomBytes(10);
    }
    const message = latin1(
      host.begin(
        "0123456789abcdef",
        host.manifest({
          version: "1.0.0",
          set: "a",
          from: "0.9.0",
          force: false,
          files: [{ name: "ln.a.con", data: f[0].data }, ...files([5]).map((x) => ({ ...x, name: "ln.a.net" }))]
        })
      )
    );
    assert.equal(entry(message, 0)![2], latin1(host.digest(f[0].data)));
    assert.equal(entry(message, 1)![0], "net");
    assert.equal(entry(message, 2), undefined);
  });

  it("the signature: base64 of HMAC-SHA1 over the manifest, checked as the receiver does; another key or one changed byte fails", function () {
    const key = "fedcba9876543210fedcba9876543210fedcba98";
    const m = host.manifest({ version: "0.2.0", set: "b", from: "0.1.0", force: false, files: files([100, 200]) });
    const msg = latin1(host.begin(key, m));
    const check = (k: string, p: string) =>
      Buffer.from(hmac(k, p, sha1, MANIFEST_AT), "latin1").toString("base64") == p.substr(1, 28);
    assert.equal(msg[0], "M");
    assert.ok(check(key, msg));
    assert.ok(!check("0123456789abcdef0123456789abcdef01234567", msg));
    for (const at of [1, MANIFEST_AT, msg.length - 1])
      assert.ok(
        !check(key, msg.slice(0, at) + String.fromCharCode(msg.charCodeAt(at) ^ 1) + msg.slice(at + 1)),
        `byte ${at}`
      );
  });

  it("chunks: in order, never across two files, within the node's 1,024-byte packet limit", function () {
    const f = files([3442, 1875, 2857, 7145]);
    const total = f.reduce((n, x) => n + x.data.length, 0);
    const topic = "living_room_lights/ota";
    const size = host.maxChunk(topic, total);
    const parts = host.chunks(f, size);
    let offset = 0;
    const image = Buffer.concat(f.map((x) => x.data));
    for (const p of parts) {
      const text = latin1(p.payload);
      const comma = text.indexOf(",");
      assert.equal(text.slice(0, comma), "C" + offset);
      assert.deepEqual(p.payload.subarray(comma + 1), image.subarray(offset, p.end));
      // QoS 1 PUBLISH: fixed header (1 + 2 length bytes), topic (2 + bytes), packet id (2).
      assert.ok(1 + 2 + 2 + topic.length + 2 + p.payload.length <= host.MAX_PACKET);
      let start = 0;
      const file = f.find((x) => (start += x.data.length) > offset)!;
      assert.ok(p.end <= start, `chunk at ${offset} stays in ${file.name}`);
      offset = p.end;
    }
    assert.equal(offset, total);
  });

  it("versions: older by number, not by text", function () {
    assert.ok(older("0.1.0", "0.2.0"));
    assert.ok(older("0.9.0", "0.10.0"));
    assert.ok(!older("0.10.0", "0.9.0"));
    assert.ok(!older("1.0.0", "1.0.0"));
    assert.ok(older("1.2.3", "1.2.4"));
  });

  it("a manifest over the limit is refused by the host", function () {
    assert.throws(
      () =>
        host.manifest({
          version: "0.2.0",
          set: "b",
          from: "0.1.0",
          force: false,
          files: Array.from({ length: 20 }, (_, i) => ({ name: "ln.b.file" + i, data: Buffer.alloc(10) }))
        }),
      /over 440/
    );
  });

  it("a new key is 24 characters of base64, within the node's rule (16-64 printable ASCII)", function () {
    assert.match(host.newKey(), /^[A-Za-z0-9+/]{24}$/);
  });
});
