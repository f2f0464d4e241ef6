// The global console commands: setup(), config(), status(), offline(), connect(), forget(), help().
// Each prints a clear result or error; no output ever holds a password.
//
// setup() is a wizard: it asks for the settings one by one on the serial line (taken over only
// while it runs), each with its current value (a password as *** when set), checks each answer
// against the store's rules and asks again on a bad one. An empty answer keeps the current value;
// Esc or Ctrl-C abandons, so the REPL (and code upload) always comes back.
import { Config, fields, SET_LETTER } from "../config";
import { In, NetState } from "../conn/types";
import { Print } from "../ports";
import { checkField, ConfigStore } from "../store/config-store";

// What the firmware keeps for the console between commands (src/main.ts): the console's own code
// lives in a Storage file of its own, evaluated per command and dropped after (src/console/entry.ts).
export interface ConsoleDeps {
  // The connection: its state, and its entry for inputs.
  net: NetState;
  print: Print;
  // The node's diagnostics (IP, RSSI, free memory, uptime in seconds, reconnect count, ...), the
  // same that are published on <topic>/info.
  info(): object;
  // The configuration in use (undefined: none yet); a command that saves or forgets updates it.
  config?: Config;
  // Runs a command in a fresh evaluation of the console's code (src/main.ts).
  command(name: string, arg?: any): void;
  // setup()'s wizard while it runs.
  wizard?: Wizard;
}

// The devices the console drives, supplied by the console's own file (src/console/entry.ts), so
// that the firmware keeps none of their code between commands.
export interface ConsoleDevices {
  // Only for setup() and its "chars": other commands get none.
  serial?: Serial;
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

// The wizard between two chunks of serial input: the field index, the field asked for (empty
// once the wizard is over) and whether it is a password, the line typed so far and why it is bad,
// whether the last char was CR, and the configuration being edited.
export interface Wizard {
  i: number;
  k: string;
  hide?: boolean;
  buf: string;
  bad: string;
  cr?: boolean;
  cur: Config;
}

// setup()'s wizard keeps its state in a plain object rather than in closures: the firmware hands it
// each chunk typed by evaluating the console's code afresh (src/main.ts), so between two
// keystrokes none of that code holds RAM. Call wizardStart once the serial line is held, then
// wizardInput with each chunk; `apply` gets `cur` with the answers set (it saves and connects, and
// prints its own result after release). Typed lines are assembled from raw serial chunks:
// backspace edits, CR, LF or CRLF ends a line, Ctrl-C (or the DLE that starts every line the
// espruino CLI uploads) abandons. Hostile lines are refused whole: too long, or holding control
// characters. Password fields are not echoed.
// Esc pressed alone abandons too (a key that sends a sequence, ESC [ A..., is control chars).
export function wizardStart(serial: Serial, cur: Config): Wizard {
  // hide and cr are set before they are read.
  w = { i: 0, k: "", buf: "", bad: "", cur: cur };
  ser = serial;
  serial.write("setup (Enter: keep, Esc: quit)\r\n");
  ask();
  return w;
}

// The wizard, serial line and `apply` of the chunk being handled (one run of the console's code).
var w: Wizard;
var ser: Serial;
var apply: (c: Config) => void;

function end(done?: boolean) {
  w.k = "";
  if (!done) ser.write("\r\nsetup abandoned\r\n");
  ser.release();
  if (done) apply(w.cur);
}

// The wizard asks for the first seven fields: Wi-Fi, broker, client id and MQTT credentials.
function ask() {
  var v;
  if (w.i > 6) return end(true);
  v = (w.cur as any)[(w.k = fields()[w.i])];
  w.hide = /^pass/.test(w.k);
  ser.write(w.k + " [" + (w.hide && v ? "***" : v) + "]: ");
}

function answer(v: any, err: string) {
  var k = w.k;
  if (!v && !err) v = (w.cur as any)[k];
  if (k == "port") v = +v;
  if ((err = err || (checkField(k, v) as string))) ser.write("error: " + err + "\r\n");
  else (w.cur as any)[k] = v, w.i++;
  ask();
}

export function wizardInput(wizard: Wizard, serial: Serial, onDone: (c: Config) => void, chunk: string) {
  var out = serial.write;
  w = wizard;
  ser = serial;
  apply = onDone;
  for (var j = 0; j < chunk.length && w.k; j++) {
    var ch = chunk[j];
    var c = ch.charCodeAt(0);
    if (c == 3 || c == 16 || (c == 27 && !chunk[j + 1])) end();
    else if (c == 10 && w.cr) {
    } else if (c == 13 || c == 10) {
      out("\r\n");
      answer(w.buf, w.bad);
      w.buf = w.bad = "";
    } else if (c == 8 || c == 127) {
      if (w.buf && !w.hide) out("\b \b");
      w.buf = w.buf.slice(0, -1);
    } else if (w.buf.length >= MAX_LINE) w.bad = "line too long";
    else {
      if (c < 32) w.bad = "control chars";
      else if (!w.hide) out(ch);
      w.buf += ch;
    }
    w.cr = c == 13;
  }
}

var SET = "config({...})";
// Library functions by short names: each use saves the file about twelve bytes.
var json = JSON.stringify;
var assign = Object.assign;

// The command being run: what the firmware lends the console, the store and the devices (set for
// one run of the console's code by runCommand).
var d: ConsoleDeps;
var store: ConfigStore;
var dev: ConsoleDevices;
// The configuration in use when the command began (d.config, read by a short name).
var now: Config | undefined;

// A copy of the current configuration (or of the defaults), to change before saving.
function copy(): Config {
  return assign({}, now || store.defaults());
}

// Sets the given fields on a copy, saves it if the whole is valid and differs from the stored one,
// and only then applies it; true once saved (or nothing changed). The store names the first
// broken rule (also of an unknown field).
function save(ch: any) {
  var p = d.print;
  var c = copy();
  var e: string | undefined = "use " + SET;
  if (ch && typeof ch == "object" && !Array.isArray(ch)) {
    assign(c, ch);
    // A copy holds its fields in the configuration's order.
    if (now && json(now) == json(c)) return p("unchanged"), true;
    e = store.save(c);
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
  setTimeout(d.net.input, 0, In.CONFIG, (d.config = c));
  return true;
}

function saveAndConnect(c: Config) {
  if (save(c)) setTimeout(d.net.input, 0, In.CONNECT);
}

// Runs the console command `name` with its argument. One function with a branch per command
// rather than an object of closures: a run of the console creates only what the command uses.
export function runCommand(deps: ConsoleDeps, configs: ConfigStore, devices: ConsoleDevices, name: string, arg?: any) {
  var p = deps.print;
  var net = deps.net;
  var c: any;
  var wiz = deps.wizard;
  d = deps;
  now = deps.config;
  store = configs;
  dev = devices;
  if (name == "config") {
    if (arg !== undefined) return void save(arg);
    c = copy();
    if (c.password) c.password = "***";
    if (c.pass) c.pass = "***";
    if (SET_LETTER && c.key) c.key = "***";
    p(json(c) + (now ? "" : " (not saved)"));
  } else if (name == "setup") {
    // The serial line's chunks come back as the "chars" command, each in a fresh run of the
    // console's code: the wizard lives for minutes, and only its state object stays meanwhile.
    dev.serial!.grab(d.command.bind(null, "chars"));
    d.wizard = wizardStart(dev.serial!, copy());
  } else if (name == "chars") {
    if (wiz) wizardInput(wiz, dev.serial!, saveAndConnect, arg);
    if (wiz && !wiz.k) d.wizard = undefined;
  } else if (name == "status") {
    c = now || {};
    p(json(assign({ state: net.nodeState, ssid: c.ssid, broker: c.broker, port: c.port, error: net.lastError }, d.info())));
  } else if (name == "forget") {
    store.erase();
    net.input(In.CONFIG, (d.config = undefined));
    p("forgotten");
  } else if (name == "help")
    // The fields as an array joined by commas (an array in a string is its items with commas).
    p("setup(): wizard\n" + SET + ": save " + fields() + "\nconfig(): show\nstatus(): state, error, info\noffline(): leave until connect()\nconnect(): rejoin\nforget(): erase, go offline");
}
