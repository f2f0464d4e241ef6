import { strict as assert } from "node:assert";
import { field, utf8Valid } from "../../src/mqtt/utf8";

// The firmware's strings are bytes (one char each, as on Espruino): UTF-8 text is held as its bytes.
const bytes = (s: string) => Buffer.from(s, "utf8").toString("latin1");
const strict = new TextDecoder("utf-8", { fatal: true });

describe("mqtt utf8", function () {
  const SAMPLES = [
    "plain ascii",
    "Wohnzimmer/Läuchte",
    "€",
    "日本語",
    "😀 and 𝄞",
    "\u007f\u0080\u07ff\u0800\uffff",
    "\u{10000}\u{10ffff}"
  ];
  for (const s of SAMPLES) {
    it(`takes the UTF-8 bytes of ${JSON.stringify(s)} as well-formed, and sends them as they are`, function () {
      assert.equal(utf8Valid(bytes(s)), true);
      assert.equal(field(bytes(s)), String.fromCharCode(0, Buffer.byteLength(s)) + bytes(s));
    });
  }

  it("takes the empty string (the topic's own rule refuses it)", function () {
    assert.equal(utf8Valid(""), true);
  });

  it("takes every BMP code point outside the surrogates and U+0000", function () {
    for (let c = 1; c < 0x10000; c++) {
      if (c >= 0xd800 && c < 0xe000) continue;
      if (!utf8Valid(bytes(String.fromCharCode(c)))) assert.fail("U+" + c.toString(16));
    }
  });

  it("takes astral code points, every 97th from U+10000 to U+10FFFF", function () {
    for (let c = 0x10000; c <= 0x10ffff; c += 97)
      if (!utf8Valid(bytes(String.fromCodePoint(c)))) assert.fail("U+" + c.toString(16));
  });

  // Ill-formed sequences [MQTT-1.5.3-1] and U+0000 [MQTT-1.5.3-2].
  const BAD: Array<[string, number[]]> = [
    ["U+0000", [0x00]],
    ["U+0000 after text", [0x61, 0x00]],
    ["a lone continuation byte", [0x80]],
    ["0xBF as a lead byte", [0xbf, 0x80]],
    ["overlong 2-byte (0xC0)", [0xc0, 0xaf]],
    ["overlong 2-byte (0xC1)", [0xc1, 0xbf]],
    ["overlong 3-byte", [0xe0, 0x80, 0xaf]],
    ["overlong 4-byte", [0xf0, 0x80, 0x80, 0xaf]],
    ["a UTF-16 surrogate (U+D800)", [0xed, 0xa0, 0x80]],
    ["a CESU-8 surrogate pair", [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]],
    ["past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["lead byte 0xF5", [0xf5, 0x80, 0x80, 0x80]],
    ["lead byte 0xFF", [0xff]],
    ["a truncated 3-byte sequence", [0xe2, 0x82]],
    ["a continuation byte replaced by ASCII", [0xc3, 0x41]],
    ["Latin-1 text (a terminal not set to UTF-8)", [0x4b, 0xfc, 0x63, 0x68, 0x65]]
  ];
  for (const [name, b] of BAD) {
    it(`refuses ${name}`, function () {
      assert.equal(utf8Valid(String.fromCharCode(...b)), false);
      // Node's own strict decoder agrees the bytes are ill-formed (U+0000 is well-formed UTF-8).
      if (!b.includes(0)) assert.throws(() => strict.decode(new Uint8Array(b)));
    });
  }

  // The check against Node's strict decoder (the oracle) on seeded random byte strings, biased
  // towards lead and continuation bytes so that most are near-misses of well-formed UTF-8.
  it("agrees with Node's strict decoder on 200,000 seeded random byte strings", function () {
    this.timeout(20000);
    let seed = 0x0ddba11;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const POOL = [
      0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef,
      0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf8, 0xfe, 0xff
    ];
    for (let k = 0; k < 200_000; k++) {
      const b = Array.from({ length: 1 + rnd(6) }, () => (rnd(3) ? POOL[rnd(POOL.length)] : rnd(256)));
      let want: boolean;
      try {
        want = !strict.decode(new Uint8Array(b)).includes("\u0000");
      } catch (e) {
        want = false;
      }
      if (utf8Valid(String.fromCharCode(...b)) !== want)
        assert.fail(Buffer.from(b).toString("hex") + ": got " + !want + ", want " + want);
    }
  });
});
