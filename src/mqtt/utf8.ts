// UTF-8 by hand: Espruino strings are 8-bit, and MQTT counts string lengths in bytes. A "byte
// string" holds one byte per char (0-255); a JS string holds code points (UTF-16 on Node).

// Shared by the codec and the client: one byte (or code unit) per argument.
export var chr = String.fromCharCode;

// charCodeAt as a plain function: a mangled call is shorter than the method name at every use.
export function at(s: string, i: number): number {
  return s.charCodeAt(i);
}

// A 16-bit number, big-endian, as two bytes.
export function u16(n: number): string {
  return chr(n >> 8, n & 255);
}

// A length-prefixed field; `s` must already be a byte string.
export function field(s: string): string {
  return u16(s.length) + s;
}

// A JS string as an MQTT string field: its UTF-8 bytes (surrogate pairs joined) behind their
// count [MQTT-1.5.3]. The encoder and the field in one function, so the client carries one.
// Each code point is built from the end: continuation bytes carry 6 bits each while the rest does
// not fit the lead byte, whose room shrinks from 7 bits (ASCII) to 5, 4, 3 as the sequence grows;
// the lead's marker (0, 0xC0, 0xE0, 0xF0) is the complement of that room.
export function text(s: string): string {
  var out = "",
    i = 0,
    c: number,
    tail: string,
    m: number;
  // ASCII is its own UTF-8: one native test instead of a loop in JavaScript.
  if (!/[^\x00-\x7f]/.test(s)) return field(s);
  while (i < s.length) {
    c = at(s, i++);
    // A surrogate pair: 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00), folded into one constant.
    if (c >> 10 == 0x36 && at(s, i) >> 10 == 0x37) c = (c << 10) + at(s, i++) - 0x35fdc00;
    for (tail = "", m = 127; c > m; m = (m >> 1) & 31) {
      tail = chr(128 | (c & 63)) + tail;
      c >>= 6;
    }
    out += chr(((~m << 1) & 255) | c) + tail;
  }
  return field(out);
}

// The UTF-8 bytes alone (for tests and tools; the client writes fields).
export function utf8Encode(s: string): string {
  return text(s).slice(2);
}

// Decodes a UTF-8 byte string; null when ill-formed or holding U+0000, which [MQTT-1.5.3-1] and
// [MQTT-1.5.3-2] make a protocol error. Each sequence is read loosely (its length from the lead
// byte's leading ones), then the result is encoded again: UTF-8 decodes uniquely, so the input is
// well-formed exactly when it equals that encoding. One comparison refuses overlong forms, stray or
// missing continuation bytes, bad lead bytes and values past U+10FFFF (they come back as lone low
// surrogates, encoded differently). U+0000 and a lone surrogate would encode back unchanged, so
// they are refused as they are read.
export function utf8Decode(b: string): string | null {
  var out = "",
    i = 0,
    c: number,
    n: number;
  // ASCII without NUL is well-formed as it is (the common case, checked natively).
  if (!/[^\x01-\x7f]/.test(b)) return b;
  while (i < b.length) {
    c = at(b, i++);
    for (n = 0; c & (128 >> n); n++);
    c &= 127 >> n;
    while (--n > 0) c = (c << 6) | (at(b, i++) & 63);
    if (!c || c >> 11 == 0x1b) return null;
    out += c >> 16 ? chr(0xd7c0 + (c >> 10), 0xdc00 | (c & 0x3ff)) : chr(c);
  }
  return text(out) == field(b) ? out : null;
}
