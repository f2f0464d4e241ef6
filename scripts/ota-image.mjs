// The update's image on the host (issue 18): the manifest, its signature and the chunks, as
// src/ota/protocol.ts describes the wire format and the receiver (src/ota/receiver.ts) checks
// them, computed with Node's crypto. Pure functions: the unit tests hold them equal to the
// receiver's own code.
import { createHash, createHmac, randomBytes } from "node:crypto";

// As src/ota/protocol.ts: the largest manifest, and the pieces of the digest's chain.
export const MANIFEST_MAX = 440;
export const PIECE = 256;
// The largest packet the node takes (its client drops a PUBLISH over 1,024 bytes).
export const MAX_PACKET = 1024;

const sha1 = (bytes) => createHash("sha1").update(bytes).digest();

// A file's digest: h = SHA1(h + piece) over its pieces of PIECE bytes, h starting empty (20 bytes).
export function digest(data) {
  let h = Buffer.alloc(0);
  for (let o = 0; o < data.length; o += PIECE) h = sha1(Buffer.concat([h, data.subarray(o, o + PIECE)]));
  return h;
}

// The manifest (a Buffer): "<version> <set> <from> <force>\n", then per file "<suffix> <size> "
// and its 20-byte digest. `files` [{name: "ln.b.boot", data}] in the order they are sent.
export function manifest({ version, set, from, force, files }) {
  const parts = [Buffer.from(`${version} ${set} ${from} ${force ? 1 : 0}\n`, "latin1")];
  for (const f of files) {
    if (!f.name.startsWith(`ln.${set}.`)) throw new Error(`${f.name} is not a file of set ${set}`);
    parts.push(Buffer.from(`${f.name.slice(5)} ${f.data.length} `, "latin1"), digest(f.data));
  }
  const m = Buffer.concat(parts);
  if (m.length > MANIFEST_MAX) throw new Error(`manifest of ${m.length} bytes, over ${MANIFEST_MAX}`);
  return m;
}

// The first message of a transfer: "M" + base64(HMAC-SHA1(key, manifest)) + manifest. The key is
// the text typed at the node's console, its bytes as they are.
export function begin(key, m) {
  return Buffer.concat([
    Buffer.from("M" + createHmac("sha1", Buffer.from(key, "latin1")).update(m).digest("base64"), "latin1"),
    m
  ]);
}

// The chunks of the image: "C" + offset + "," + at most `size` bytes, never across two files.
export function chunks(files, size) {
  const out = [];
  let offset = 0;
  for (const f of files) {
    for (let o = 0; o < f.data.length; o += size) {
      const data = f.data.subarray(o, o + size);
      out.push({
        offset: offset + o,
        end: offset + o + data.length,
        payload: Buffer.concat([Buffer.from("C" + (offset + o) + ",", "latin1"), data])
      });
    }
    offset += f.data.length;
  }
  return out;
}

// The largest chunk whose PUBLISH (QoS 1) on `topic` stays within MAX_PACKET, for an image of
// `total` bytes: fixed header (1 + up to 2 length bytes), topic (2 + its bytes), packet id (2),
// "C" + offset + ",".
export function maxChunk(topic, total) {
  return MAX_PACKET - 3 - 2 - Buffer.byteLength(topic) - 2 - ("C" + total + ",").length;
}

// A new update key: 24 characters of base64 (144 bits), printable ASCII as the node's rule asks
// (16-64): short, because the node keeps it in RAM with its configuration (8 characters a variable).
export function newKey() {
  return randomBytes(18).toString("base64");
}
