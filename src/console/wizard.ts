// setup(): asks for the settings one by one on the serial line (taken over only while it runs),
// checks each answer against the store's rules and asks again on a bad one. An empty answer keeps
// the value in brackets (or abandons when there is none); Ctrl-C abandons; 2 minutes of silence
// abandons, so the REPL (and code upload) always comes back.
import { Config } from "../config";
import { checkField } from "../store/validate";
import { lineReader } from "./line";

export var IDLE = 120000;
var FIELDS = ["ssid", "password", "broker", "port", "id", "user", "pass"];
var SECRET = "password pass";

// The wizard's hold on the serial line; main.ts moves the REPL away while it is held.
export interface Serial {
  grab(onData: (chunk: string) => void): void;
  write(s: string): void;
  release(): void;
}

// `apply` saves the answers atomically and connects; it prints its own result after release.
export function wizard(serial: Serial, cur: Config, apply: (answers: any) => void) {
  var i = 0;
  var got: any = {};
  // The idle timer's id while pending, else 0 (Espruino throws on clearing an unknown id).
  var timer: any = 0;
  var secret = false;
  var over = false;

  function end(answers?: any) {
    if (over) return;
    over = true;
    if (timer) clearTimeout(timer);
    serial.write(answers ? "\r\n" : "\r\nsetup abandoned\r\n");
    serial.release();
    if (answers) apply(answers);
  }

  function ask() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () {
      timer = 0;
      end();
    }, IDLE);
    if (i == FIELDS.length) return end(got);
    var k = FIELDS[i];
    var v: any = (cur as any)[k];
    secret = SECRET.indexOf(k) >= 0;
    serial.write(k + (v === "" ? "" : " [" + (secret ? "***" : v) + "]") + ": ");
  }

  function answer(err: string | null, line?: string) {
    if (over) return;
    if (err == "abort") return end();
    var k = FIELDS[i];
    var v: any = line;
    if (!err && line === "") {
      v = (cur as any)[k];
      if (v === "" && !secret && k != "user") return end();
    }
    if (k == "port" && /^[0-9]+$/.test(v)) v = +v;
    err = err || checkField(k, v) || null;
    if (err) serial.write("error: " + err + "\r\n");
    else {
      got[k] = v;
      i++;
    }
    ask();
  }

  var feed = lineReader(function (s) {
    if (!secret || s == "\r\n") serial.write(s);
  }, answer);
  serial.grab(function (d) {
    feed(d);
  });
  serial.write("setup (Ctrl-C quits)\r\n");
  ask();
}
