// The rules every stored configuration obeys, checked on every write and every read. Messages name
// the field and the rule and never the value (a value may be a password).
import { Config } from "../config";

// Rule kinds: s text (8-bit: on Espruino one char is one byte; no control chars), p WPA passphrase
// (printable ASCII, or empty for an open network), h host name or IPv4, d client id, t topic,
// i integer, b boolean; "x|y" lists the allowed values. Then the bounds (length or value).
var RULES: { [field: string]: string } = {
  ssid: "s 1 32", password: "p 8 63", broker: "h 1 253", port: "i 1 65535", id: "d 1 23",
  user: "s 0 64", pass: "s 0 64", topic: "t 1 64", keepalive: "i 0 65535", telnet: "b",
  mode: "toggle|button|detached", power: "last|on|off", retained: "b", discovery: "b"
};
var TEXT: { [kind: string]: string } = {
  s: " chars, no control chars", p: " printable ASCII chars, or empty", h: "host name or IPv4 address",
  d: " of 0-9 A-Z a-z _ -", t: " chars, no + # or control chars", b: "true or false"
};

// Letters, digits, '-' and '.' in labels of 1-63; an all-digit-and-dot name must be IPv4.
function host(v: string) {
  var parts = v.split(".");
  var ip = /^[0-9.]+$/.test(v);
  if (!/^[0-9A-Za-z.-]+$/.test(v) || (ip && parts.length != 4)) return false;
  return parts.every(function (p) {
    return p && p.length < 64 && p[0] != "-" && p[p.length - 1] != "-" && (!ip || (p.length < 4 && +p < 256));
  });
}

function ok(k: string, v: any, lo: number, hi: number) {
  if (k == "b") return typeof v == "boolean";
  if (k == "i") return typeof v == "number" && v % 1 === 0 && v >= lo && v <= hi;
  if (typeof v != "string") return false;
  if (k.length > 1) return k.split("|").indexOf(v) >= 0;
  if (k == "p" && v === "") return true;
  if (v.length < lo || v.length > hi) return false;
  for (var i = 0; i < v.length; i++) {
    var c = v.charCodeAt(i);
    if (c < 32 || c == 127 || c > 255 || (k == "p" && c > 126)) return false;
  }
  return k == "h" ? host(v) : k == "d" ? /^[0-9A-Za-z_-]+$/.test(v) : k != "t" || !/[+#]/.test(v);
}

// The broken rule of one field, as "field: rule", or undefined when the value is fine.
export function checkField(field: string, v: any): string | undefined {
  var rule = RULES[field];
  if (!rule) return field + ": unknown field";
  var r = rule.split(" ");
  var k = r[0];
  if (ok(k, v, +r[1], +r[2])) return;
  var range = r[1] + "-" + r[2];
  return field + ": " + (k == "i" ? "integer " + range : k == "h" || k == "b" ? TEXT[k] : TEXT[k] ? range + TEXT[k] : k);
}

// The first broken rule of a whole configuration, or undefined when it is valid.
export function check(c: Config): string | undefined {
  var e;
  for (var k in RULES) e = e || checkField(k, (c as any)[k]);
  return e;
}
