// UTF-8 by hand: Espruino strings are 8-bit, and MQTT counts string lengths in bytes. A "byte
// string" holds one byte per char (0-255); a JS string holds code points (UTF-16 on Node).

// Shared by the codec and the client: one byte (or code unit) per argument.
export var chr = String.fromCharCode;

// Encodes a JS string (surrogate pairs joined) to a UTF-8 byte string.
export function utf8Encode(s: string): string {
  var out = "", i = 0, c: number, d: number, n: number;
  while (i < s.length) {
    c = s.charCodeAt(i++);
    d = s.charCodeAt(i);
    // A surrogate pair: 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00), folded into one constant.
    if (c >> 10 == 0x36 && d >> 10 == 0x37) {
      c = (c << 10) + d - 0x35fdc00;
      i++;
    }
    if (c < 0x80) out += chr(c);
    else {
      n = c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
      out += chr((256 - (128 >> n)) | (c >> (6 * n)));
      while (n--) out += chr(0x80 | ((c >> (6 * n)) & 63));
    }
  }
  return out;
}

// Decodes a UTF-8 byte string; null when ill-formed (overlong, surrogate, past U+10FFFF,
// truncated) or holding U+0000, which [MQTT-1.5.3-1] and [MQTT-1.5.3-2] make a protocol error.
export function utf8Decode(b: string): string | null {
  var out = "", i = 0, c: number, d: number, n: number, m: number;
  while (i < b.length) {
    c = b.charCodeAt(i++);
    n = c < 0x80 ? 0 : c < 0xc2 ? -1 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : c < 0xf5 ? 3 : -1;
    if (n < 0) return null;
    c &= n ? 0x3f >> n : 0x7f;
    m = n;
    while (m--) {
      d = b.charCodeAt(i++);
      if ((d & 0xc0) != 0x80) return null;
      c = (c << 6) | (d & 63);
    }
    // Overlong 3- and 4-byte forms (2-byte ones were refused by their lead byte), U+0000, past
    // U+10FFFF, or a surrogate.
    if (!c || c < (n > 1 ? 1 << (5 * n + 1) : 0) || c > 0x10ffff || c >> 11 == 0x1b) return null;
    out += c < 0x10000 ? chr(c) : chr(0xd7c0 + (c >> 10), 0xdc00 | (c & 0x3ff));
  }
  return out;
}
