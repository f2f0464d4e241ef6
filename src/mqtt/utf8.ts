// Strings are byte strings throughout the firmware: Espruino's are 8-bit, and the console reads the
// UTF-8 its terminal sends, byte by byte (the simulator reads its stdin as latin1 to match). So a
// topic, a client id, a user name are their UTF-8 bytes already: an MQTT string field is those
// bytes behind their count, and a topic that arrives is checked as UTF-8, never converted.

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

// A length-prefixed field: an MQTT string (its UTF-8 bytes, checked well-formed where they come
// from: the console's rules, utf8Valid for what arrives) or binary data.
export function field(s: string): string {
  return u16(s.length) + s;
}

// Whether a byte string is well-formed UTF-8 without U+0000, as [MQTT-1.5.3-1] and [MQTT-1.5.3-2]
// require of every string in a packet. Each sequence's length comes from its lead byte's leading
// ones (one alone is a stray continuation byte, five or more no lead byte); each continuation byte
// must be 10xxxxxx (a missing one reads as NaN, which is not); the value must need that many
// bytes (no overlong form), and be neither a surrogate (U+D800-U+DFFF) nor past U+10FFFF.
export function utf8Valid(b: string): boolean {
  var i = 0,
    c: number,
    n: number,
    least: number;
  // ASCII without NUL (the common case) is well-formed: one native test.
  if (!/[^\x01-\x7f]/.test(b)) return true;
  while (i < b.length) {
    c = at(b, i++);
    for (n = 0; c & (128 >> n); n++);
    if (n == 1 || n > 4) return false;
    least = [1, 0, 0x80, 0x800, 0x10000][n];
    c &= 127 >> n;
    while (--n > 0) {
      if ((at(b, i) & 192) != 128) return false;
      c = (c << 6) | (at(b, i++) & 63);
    }
    if (c < least || c > 0x10ffff || c >> 11 == 0x1b) return false;
  }
  return true;
}

// JSON of data holding such strings, as UTF-8 text: for Home Assistant's discovery and what the
// console shows. Espruino's JSON.stringify writes each byte over 0x7e as \u00XX, which a reader
// takes for that code point (the two bytes of a u-umlaut would read as two other letters), so
// the bytes are put back as they are, as Node writes them (there this finds nothing). A string
// holding a backslash, then "u00" and a hex pair as text, would be read wrong: nobody names a
// topic so.
export function utf8Json(v: any): string {
  var s = JSON.stringify(v);
  // Replaced only when there is an escape: replace() copies the whole text even when it finds
  // nothing, about 40 variables at status()'s peak (it then ran out with 900 free).
  return s.indexOf("\\u00") < 0
    ? s
    : s.replace(/\\u00[89A-F]./g, function (e) {
        return chr(("0x" + e.slice(4)) as any);
      });
}
