// setup(): asks for the settings one by one on the serial line (taken over only while it runs),
// checks each answer against the store's rules and asks again on a bad one. An empty answer keeps
// the value in brackets (and abandons when that one is not valid); Ctrl-C abandons; 2 minutes of
// silence abandon, so the REPL (and code upload) always comes back.
import { Config } from "../config";
import { checkField } from "../store/config-store";

export var IDLE = 120000;
export var MAX_LINE = 100;
var FIELDS = "ssid password broker port id user pass".split(" ");

// The wizard's hold on the serial line; main.ts moves the REPL away while it is held.
export interface Serial {
  grab(onData: (chunk: string) => void): void;
  write(s: string): void;
  release(): void;
}

// `apply` saves the answers atomically and connects; it prints its own result after release.
// Typed lines are assembled from raw serial chunks: backspace edits, CR, LF or CRLF ends a line,
// Ctrl-C (or the DLE that starts every line the espruino CLI uploads) abandons. Hostile lines are
// refused whole: too long, or holding control characters. Password fields are not echoed.
export function wizard(serial: Serial, cur: Config, apply: (answers: any) => void) {
  var i = 0;
  var got: any = {};
  // The idle timer's id while pending, else 0 (Espruino throws on clearing an unknown id).
  var timer: any = 0;
  // The field asked for; empty once the wizard is over.
  var k: string;
  var buf = "";
  var bad = "";
  var cr = false;

  function out(s: string) {
    serial.write(s);
  }

  function secret() {
    return /^pass/.test(k);
  }

  function end(answers?: any) {
    k = "";
    if (timer) clearTimeout(timer);
    if (!answers) out("\r\nsetup abandoned\r\n");
    serial.release();
    if (answers) apply(answers);
  }

  function ask() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () {
      timer = 0;
      end();
    }, IDLE);
    k = FIELDS[i];
    if (!k) return end(got);
    var v = (cur as any)[k];
    out(k + (v === "" ? "" : " [" + (secret() ? "***" : v) + "]") + ": ");
  }

  // An empty answer keeps the shown value, and abandons when that one is not valid.
  function answer(v: any, err: string) {
    if (!err && !v && checkField(k, (v = (cur as any)[k]))) return end();
    if (k == "port") v = +v;
    if ((err = err || (checkField(k, v) as string))) out("error: " + err + "\r\n");
    else {
      got[k] = v;
      i++;
    }
    ask();
  }

  serial.grab(function (chunk) {
    for (var j = 0; j < chunk.length && k; j++) {
      var ch = chunk[j];
      var c = ch.charCodeAt(0);
      var wasCr = cr;
      var line = buf;
      var err = bad;
      cr = c == 13;
      if (c == 3 || c == 16) end();
      else if (c == 13 || (c == 10 && !wasCr)) {
        buf = bad = "";
        out("\r\n");
        answer(line, err);
      } else if (c == 8 || c == 127) {
        if (buf && !secret()) out("\b \b");
        buf = buf.slice(0, -1);
      } else if (c == 10) {
      } else if (buf.length >= MAX_LINE) bad = "line too long";
      else {
        if (c < 32) bad = "control chars";
        else if (!secret()) out(ch);
        buf += ch;
      }
    }
  });
  out("setup (Ctrl-C quits)\r\n");
  ask();
}
