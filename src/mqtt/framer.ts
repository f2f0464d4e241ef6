// Cuts a byte stream into packets. Fed chunks split anywhere; keeps at most one partial packet.
// The size limit is checked from the fixed header, so an oversized packet is refused before its
// body is buffered (on the ESP8266 a single 2.5 KB message can exhaust memory).
import { at } from "./utf8";
import { bad } from "./codec";

// Returns feed(chunk), which calls onPacket(firstByte, body) for each whole packet and throws a
// reason string: "malformed: remaining length" (a 5th length byte [MQTT-2.2.3]) or "packet too large".
// The remaining length is 7 bits per byte, low group first; four bytes shift at most 21 bits.
export function createFramer(max: number, onPacket: (h: number, body: string) => void): (chunk: string) => void {
  var buf = "";
  return function (chunk: string) {
    var i: number, n: number, c: number;
    buf += chunk;
    for (;;) {
      i = 1;
      n = 0;
      // A length byte not yet received reads as NaN, which ends the loop: n is then a lower bound,
      // and past the end of the buffer, so the packet waits for more.
      do {
        if (i > 4) bad("remaining length");
        c = at(buf, i);
        n |= (c & 127) << (7 * i++ - 7);
      } while (c & 128);
      if ((n += i) > max) throw "packet too large";
      if (buf.length < n) return;
      chunk = buf.substring(i, n);
      c = at(buf, 0);
      buf = buf.substr(n);
      onPacket(c, chunk);
    }
  };
}
