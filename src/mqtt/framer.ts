// Cuts a byte stream into packets. Fed chunks split anywhere; keeps at most one partial packet.
// The size limit is checked from the fixed header, so an oversized packet is refused before its
// body is buffered (on the ESP8266 a single 2.5 KB message can exhaust memory).

// Returns feed(chunk), which calls onPacket(firstByte, body) for each whole packet and throws a
// reason string: "malformed: remaining length" (a 5th length byte [MQTT-2.2.3]) or "packet too large".
export function createFramer(max: number, onPacket: (h: number, body: string) => void): (chunk: string) => void {
  var buf = "";
  return function (chunk: string) {
    var i: number, n: number, c: number, mul: number, h: number;
    buf += chunk;
    for (;;) {
      i = 1;
      n = 0;
      mul = 1;
      do {
        if (i > 4) throw "malformed: remaining length";
        if (i >= buf.length) return;
        c = buf.charCodeAt(i++);
        n += (c & 127) * mul;
        mul *= 128;
      } while (c & 128);
      if (i + n > max) throw "packet too large";
      if (buf.length < i + n) return;
      h = buf.charCodeAt(0);
      c = i + n;
      chunk = buf.substring(i, c);
      buf = buf.substr(c);
      onPacket(h, chunk);
    }
  };
}
