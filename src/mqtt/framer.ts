// Cuts a byte stream into packets. Fed chunks split anywhere; keeps at most one partial packet.
// The size limit is checked from the fixed header, so an oversized packet is never buffered (on
// the ESP8266 a single 2.5 KB message can exhaust memory): a PUBLISH over it is dropped as it
// streams by, any other packet refused.
import { bad, u16at } from "./codec";

// Calls onPacket(firstByte, body) for each whole packet at the start of `rest` + `d` and returns
// what is left: a partial packet (or ""), or, as a number, how many bytes of a dropped PUBLISH
// are still to come (0: none); the caller passes that back with the next chunk. A PUBLISH over
// `max` goes to onPacket as its first bytes up to the packet id (enough to acknowledge it), with
// its whole size as the third argument; its topic and id must fit `max`. Throws a reason string:
// "malformed: remaining length" (a 5th length byte [MQTT-2.2.3]) or "packet too large".
// The remaining length is 7 bits per byte, low group first; four bytes shift at most 21 bits.
// A length byte not yet received reads as NaN, which counts as 0 and ends the header: the size
// found so far is then a lower bound, checked against max after every byte (so the reason never
// depends on where the stream was split), and past the end of the buffer, so the packet waits.
// `start` walks from packet to packet: the buffer is cut once, at the end, not once per packet
// (a chunk of many small packets was copied over and over). charCodeAt as it is, not utf8's at():
// on Espruino a call costs more than its bytes, here twice per packet.
export function frame(rest: string | number, d: string, max: number, onPacket: (h: number, body: string, dropped?: number | false) => void): string | number {
  var buf = d, start: any = rest, i: number, n: number, c: number, k: number, h: number;
  if (start.charAt) buf = start + d, start = 0;
  for (;;) {
    h = buf.charCodeAt(start);
    for (i = 1, n = 0; i < 5 || bad("remaining length"), ((n |= ((c = buf.charCodeAt(start + i)) & 127) << (7 * i++ - 7)) + i <= max || h >> 4 == 3) && c & 128; );
    // Over max, a PUBLISH waits for its topic and, at QoS 1 or more, its packet id (a header not
    // all there yet makes this longer than what there is, so it waits for that too).
    if ((k = n + i) > max) {
      k = i + 2 + u16at(buf, start + i) + (h & 6 && 2);
      if (h >> 4 != 3 || k > max) throw "packet too large";
    }
    // What is left: the partial packet, or how many bytes of a dropped one are still to come (a
    // number, 0 when it ended exactly here).
    if (buf.length < start + k) return start ? buf.slice(start) || start - buf.length : buf;
    onPacket(h, buf.substr(start + i, k - i), (n += i) > max && n);
    start += n;
  }
}

// The same as a feed(chunk) function that keeps the partial packet itself (for tests and tools).
export function createFramer(max: number, onPacket: (h: number, body: string, dropped?: number | false) => void): (chunk: string) => void {
  var rest: string | number = "";
  return function (chunk: string) {
    rest = frame(rest, chunk, max, onPacket);
  };
}
