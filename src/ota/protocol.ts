// The update's wire format and its cryptography, shared by the receiver (src/ota/receiver.ts, on
// the board) and the host tool (scripts/ota-image.mjs builds the same with Node's crypto; the unit
// tests hold the two equal). Strings are 8-bit: one char per byte, as on Espruino. Compact and
// binary rather than JSON: every byte of a message costs the board about half a variable on its
// way in, and the manifest must fit in the RAM left at Active.
//
// On <base>/ota (host -> node, QoS 1):
//   "M" + base64(HMAC-SHA1(key, manifest)) + manifest      begins a transfer (ends any under way)
//   "C" + offset + "," + bytes                             a chunk of the image at that offset
// The image is the manifest's files one after the other; a chunk never spans two files.
// The manifest: "<version> <set> <from> <force>\n" (from: the version it replaces; force 1 allows
// an older version), then per file "<name> <size> " and its digest (20 bytes), where name is the
// file's suffix in the set ("boot" for ln.b.boot).
// On <base>/ota/ack (node -> host, QoS 0): the offset expected next, or "restart" (no transfer
// under way: send the manifest again). On <base>/ota/state (retained): the update's state.

// Where the manifest begins in the "M" message (and in the copy the receiver stores): after "M"
// and the signature, 28 characters of base64 (no space nor newline, so the manifest is read in
// place).
export var MANIFEST_AT = 29;
// The largest manifest: with the 64-byte HMAC block it stays within one SHA-1 input of 512 bytes,
// the most the ESP8266's small C stack takes in one piece.
export var MANIFEST_MAX = 440;
// A staged file is hashed in pieces of this many bytes, read back from flash one at a time.
export var PIECE = 256;

// HMAC-SHA1 (RFC 2104) of `msg` from `at` on (all of it without) under `key` (at most 64 bytes,
// the block size), with `sha1` giving a string's 20-byte digest as a string.
// The inner hash is the update's peak of RAM on the board, and SHA-1's result needs 3 variables in
// a row there, which the few left free may not give (measured: 13 free, at most 2 in a row,
// "Not enough memory for result"). So at that moment only the key's pad with the message appended
// lives: the message's part is cut from `msg` and appended at once (no copy kept), and the outer
// pad is made after the inner hash (about 40 variables fewer than the pads made together and the
// part passed as a copy).
export function hmac(key: string, msg: string, sha1: (s: string) => string, at?: number): string {
  var h = "",
    s,
    k,
    x;
  // Two rounds: the inner pad (0x36) with the message, then the outer pad (0x5c) with that hash.
  for (x = 0x36; x; x = x == 0x36 ? 0x5c : 0) {
    for (s = "", k = 0; k < 64; k++) s += String.fromCharCode((k < key.length ? key.charCodeAt(k) : 0) ^ x);
    h = sha1((s += h || msg.slice(at)));
  }
  return h;
}

// A file's digest, as a chain over its pieces of PIECE bytes: h = SHA1(h + piece), h starting
// empty. `read(name, offset, length)` gives a piece of the file (on the board, Storage's read
// itself: from flash, a piece at a time, since a whole file at once would be copied onto the C
// stack, and into RAM; no closure made for it).
export function digest(
  name: string,
  size: number,
  read: (name: string, offset: number, length: number) => string | undefined,
  sha1: (s: string) => string
): string {
  var h = "",
    o = 0;
  for (; o < size; o += PIECE) h = sha1(h + read(name, o, Math.min(PIECE, size - o)));
  return h;
}

// File k of a manifest (0 first) in the "M" message `m`: [name, size, digest, where the next
// begins], or undefined past the last. Read by scanning in place, so that nothing parsed is held
// between two messages.
export function entry(m: string, k: number): [string, number, string, number] | undefined {
  var at = m.indexOf("\n") + 1,
    sp,
    sz;
  for (;;) {
    sp = m.indexOf(" ", at);
    sz = m.indexOf(" ", sp + 1);
    if (sp < 0 || sz < 0 || sz + 21 > m.length) return;
    if (!k--) return [m.slice(at, sp), +m.slice(sp + 1, sz), m.substr(sz + 1, 20), sz + 21];
    at = sz + 21;
  }
}

// True when version `a` ("1.2.3") is older than `b`.
export function older(a: string, b: string): boolean {
  var x = a.split("."),
    y = b.split("."),
    i = 0;
  while (i < 3 && x[i] == y[i]) i++;
  return i < 3 && +x[i] < +y[i];
}
