// Cuts a byte stream into packets. Fed chunks split anywhere; keeps at most one partial packet.
// The size limit is checked from the fixed header, so an oversized packet is refused before its
// body is buffered (on the ESP8266 a single 2.5 KB message can exhaust memory).
import { bad } from "./codec";

// Calls onPacket(firstByte, body) for each whole packet at the start of `buf` and returns what is
// left (a partial packet, or ""); the caller keeps that and prepends it to the next chunk. Throws a
// reason string: "malformed: remaining length" (a 5th length byte [MQTT-2.2.3]) or "packet too large".
// The remaining length is 7 bits per byte, low group first; four bytes shift at most 21 bits.
// A length byte not yet received reads as NaN, which counts as 0 and ends the header: the size
// found so far is then a lower bound, checked against max after every byte (so the reason never
// depends on where the stream was split), and past the end of the buffer, so the packet waits.
// `start` walks from packet to packet: the buffer is cut once, at the end, not once per packet
// (a chunk of many small packets was copied over and over). charCodeAt as it is, not utf8's at():
// on Espruino a call costs more than its bytes, here twice per packet.
export function frame(buf: string, max: number, onPacket: (h: number, body: string) => void): string {
  var start = 0, i: number, n: number, c: number;
  for (;;) {
    for (i = 1, n = 0; i < 5 || bad("remaining length"), ((n |= ((c = buf.charCodeAt(start + i)) & 127) << (7 * i++ - 7)) + i <= max && c & 128); );
    if (n + i > max) throw "packet too large";
    if (buf.length < start + (n += i)) return start ? buf.slice(start) : buf;
    onPacket(buf.charCodeAt(start), buf.substr(start + i, n - i));
    start += n;
  }
}

// The same as a feed(chunk) function that keeps the partial packet itself (for tests and tools).
export function createFramer(max: number, onPacket: (h: number, body: string) => void): (chunk: string) => void {
  var buf = "";
  return function (chunk: string) {
    buf = frame(buf + chunk, max, onPacket);
  };
}
