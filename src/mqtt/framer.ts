// Cuts a byte stream into packets. Fed chunks split anywhere; keeps at most one partial packet.
// The size limit is checked from the fixed header, so an oversized packet is never buffered (on
// the ESP8266 a single 2.5 KB message can exhaust memory): a PUBLISH over it is dropped as it
// streams by, any other packet refused.
import { bad, Type, u16at } from "./codec";

// Calls onPacket(firstByte, body) for each whole packet at the start of what was left (`start`)
// and the chunk (`buf`), and returns what is left: a partial packet (or ""), or, as a number, how
// many bytes of a dropped PUBLISH are still to come (0: none); the caller passes that back with
// the next chunk. A PUBLISH over `max` goes to onPacket as its first bytes up to the packet id (enough to acknowledge it),
// with its whole size as the third argument; its topic and id must fit `max`. Throws a reason
// string: "malformed: remaining length" (a 5th length byte [MQTT-2.2.3]) or "packet too large".
// `start` walks from packet to packet: the buffer is cut once, at the end, not once per packet (a
// chunk of many small packets was copied over and over). charCodeAt as it is, not utf8's at(): on
// Espruino a call costs more than its bytes, here twice per packet.
// The arguments are walked themselves, not copied into locals: two variables fewer on the stack
// while a packet is handled (the connection's code loads inside CONNACK's).
export function frame(
  start: any,
  buf: string,
  max: number,
  onPacket: (h: number, body: string, dropped?: number | false) => void
): string | number {
  // `start` comes as what was left (see above), then is the number of bytes of a dropped PUBLISH
  // still to skip, or the packet's offset in `buf` (the chunk, or the partial packet and it).
  var first: number, headerSize: number, length: number, byte: number, needed: number;
  if (start.charAt) ((buf = start + buf), (start = 0));
  for (;;) {
    first = buf.charCodeAt(start);
    // The remaining length: 7 bits per byte, low group first, while the high bit says another
    // follows; four bytes at most. A byte not yet received reads as NaN, which counts as 0 and
    // ends the header: `length` is then a lower bound, and the packet waits below for more.
    // Reading stops once the packet is known to be over `max`, unless it is a PUBLISH, whose
    // size must be known to skip it; so the reason never depends on where the stream was split.
    headerSize = 1;
    length = 0;
    do {
      if (headerSize > 4) bad("remaining length");
      byte = buf.charCodeAt(start + headerSize);
      length |= (byte & 127) << (7 * headerSize++ - 7);
    } while ((length + headerSize <= max || first >> 4 == Type.PUBLISH) && byte & 128);
    // Over max, a PUBLISH waits for its topic and, at QoS 1 or more, its packet id (a header not
    // all there yet makes this longer than what there is, so it waits for that too).
    if ((needed = length + headerSize) > max) {
      needed = headerSize + 2 + u16at(buf, start + headerSize) + (first & 6 && 2);
      if (first >> 4 != Type.PUBLISH || needed > max) throw "packet too large";
    }
    // Not all there: what is left is the partial packet, or how many bytes of a dropped one are
    // still to come (a number, 0 when it ended exactly here; then slice gives "", falsy).
    if (buf.length < start + needed) return start ? buf.slice(start) || start - buf.length : buf;
    // `length` becomes the packet's whole size (written inline: 4 bytes fewer); a dropped PUBLISH
    // reports it.
    onPacket(first, buf.substr(start + headerSize, needed - headerSize), (length += headerSize) > max && length);
    start += length;
  }
}

// The same as a feed(chunk) function that keeps the partial packet itself (for tests and tools).
export function createFramer(
  max: number,
  onPacket: (h: number, body: string, dropped?: number | false) => void
): (chunk: string) => void {
  var rest: string | number = "";
  return function (chunk: string) {
    rest = frame(rest, chunk, max, onPacket);
  };
}
