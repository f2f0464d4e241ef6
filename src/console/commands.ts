// The global console commands: setup(), config(), status(), offline(), connect(), forget(), help().
// Each prints a clear result or error; no output ever holds a password.
//
// setup() is a wizard: it asks for the settings one by one on the serial line (taken over only
// while it runs), checks each answer against the store's rules and asks again on a bad one. An
// empty answer keeps the current value (an empty first answer abandons); Ctrl-C abandons, so the
// REPL (and code upload) always comes back.
import { Config, FIELDS } from "../config";
import { Runner } from "../conn/runner";
import { Print } from "../ports";
import { checkField, ConfigStore } from "../store/config-store";

// What the firmware keeps for the console between commands (src/main.ts): the console's own code
// lives in a Storage file of its own, evaluated per command and dropped after (src/console/entry.ts).
export interface ConsoleDeps {
  runner: Runner;
  print: Print;
  // The node's diagnostics (IP, RSSI, free memory, uptime in seconds, reconnect count, ...), the
  // same that are published on <topic>/info.
  info(): object;
  // The configuration in use (undefined: none yet); a command that saves or forgets updates it.
  config?: Config;
  // Runs a command in a fresh evaluation of the console's code (src/main.ts).
  command(name: string, arg?: any): void;
}

// The devices the console drives, supplied by the console's own file (src/console/entry.ts), so
// that the firmware keeps none of their code between commands.
export interface ConsoleDevices {
  serial: Serial;
  // Turns Espruino's network console on or off.
  telnet(on: boolean): void;
}

export var MAX_LINE = 100;

// The wizard's hold on the serial line; entry.ts moves the REPL away while it is held. Plain
// functions (no `this`).
export interface Serial {
  grab(onData: (chunk: string) => void): void;
  write(s: string): void;
  release(): void;
}

// `apply` gets `cur` with the answers set, saves it atomically and connects; it prints its own
// result after release. Typed lines are assembled from raw serial chunks: backspace edits, CR, LF
// or CRLF ends a line, Ctrl-C (or the DLE that starts every line the espruino CLI uploads)
// abandons. Hostile lines are refused whole: too long, or holding control characters. Password
// fields are not echoed.
export function wizard(serial: Serial, cur: Config, apply: (c: Config) => void) {
  var i = 0;
  // The field asked for (empty once the wizard is over), and whether it is a password.
  var k: string;
  var hide: boolean;
  var buf = "";
  var bad = "";
  var cr = false;
  var out = serial.write;

  function end(done?: boolean) {
    k = "";
    if (!done) out("\r\nsetup abandoned\r\n");
    serial.release();
    if (done) apply(cur);
  }

  // The wizard asks for the first seven fields: Wi-Fi, broker, client id and MQTT credentials.
  function ask() {
    if (i > 6) return end(true);
    k = FIELDS[i];
    hide = /^pass/.test(k);
    out(k + ": ");
  }

  function answer(v: any, err: string) {
    if (!v && !err) {
      if (!i) return end();
      v = (cur as any)[k];
    }
    if (k == "port") v = +v;
    if ((err = err || (checkField(k, v) as string))) out("error: " + err + "\r\n");
    else (cur as any)[k] = v, i++;
    ask();
  }

  serial.grab(function (chunk) {
    for (var j = 0; j < chunk.length && k; j++) {
      var ch = chunk[j];
      var c = ch.charCodeAt(0);
      if (c == 3 || c == 16) end();
      else if (c == 10 && cr) {
      } else if (c == 13 || c == 10) {
        out("\r\n");
        answer(buf, bad);
        buf = bad = "";
      } else if (c == 8 || c == 127) {
        if (buf && !hide) out("\b \b");
        buf = buf.slice(0, -1);
      } else if (buf.length >= MAX_LINE) bad = "line too long";
      else {
        if (c < 32) bad = "control chars";
        else if (!hide) out(ch);
        buf += ch;
      }
      cr = c == 13;
    }
  });
  out("setup (Enter: keep, Ctrl-C: quit)\r\n");
  ask();
}

var SET = "config({key: value, ...})";

export function commands(d: ConsoleDeps, store: ConfigStore, dev: ConsoleDevices) {
  var p = d.print;
  var run = d.runner;

  // A copy of the current configuration (or of the defaults), to change before saving.
  function copy(): any {
    return (Object as any).assign({}, d.config || store.defaults());
  }

  // Sets the given fields on a copy, saves it if the whole is valid, and only then applies it;
  // true once saved. The store names the first broken rule (also of an unknown field).
  function save(ch: any) {
    var c = copy();
    var e: string | undefined = "use " + SET;
    if (ch && typeof ch == "object" && !Array.isArray(ch)) {
      e = store.save((Object as any).assign(c, ch));
    }
    if (e) {
      p("error: " + e + " (nothing saved)");
      return false;
    }
    p("saved");
    if (c.telnet != copy().telnet) {
      dev.telnet(c.telnet);
      if (c.telnet) p("warning: telnet on: open to the LAN");
    }
    // Applied from a timer, after this command returns: by then nothing holds the console's code,
    // and reconnecting gets the RAM it would occupy.
    setTimeout(run.setConfig, 0, (d.config = c));
    return true;
  }

  return {
    config: function (ch?: any) {
      if (ch !== undefined) return void save(ch);
      var c = copy();
      if (c.password) c.password = "***";
      if (c.pass) c.pass = "***";
      p(JSON.stringify(c) + (d.config ? "" : " (not saved)"));
    },
    // setup(answers) saves the wizard's answers: a fresh run of the console does it, from a timer,
    // once the wizard, its serial handler and the evaluation it ran in are released (the wizard
    // lives for minutes, and saving beside it would need RAM for both).
    setup: function (answers?: Config) {
      if (!answers)
        wizard(dev.serial, copy(), function (c) {
          setTimeout(d.command, 0, "setup", c);
        });
      else if (save(answers)) setTimeout(run.connect, 0);
    },
    status: function () {
      var c: any = d.config || {};
      p(JSON.stringify(Object.assign({ state: run.state(), ssid: c.ssid, broker: c.broker, port: c.port, error: run.error }, d.info())));
    },
    offline: run.offline,
    connect: run.connect,
    forget: function () {
      store.erase();
      run.setConfig((d.config = undefined));
      p("forgotten");
    },
    help: function () {
      p("setup() config() " + SET + " status() offline() connect() forget() help()");
    }
  };
}
