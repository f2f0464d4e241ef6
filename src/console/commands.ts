// The console commands run from the console's file: setup(), config(), status(), forget(), help()
// (offline() and connect() are the connection's inputs, given by the firmware itself: main.ts).
// Each prints a clear result or error; no output ever holds a password.
//
// setup() is a wizard: it asks for the settings one by one on the serial line (taken over only
// while it runs), each with its current value (a password as *** when set), checks each answer
// against the store's rules and asks again on a bad one. An empty answer keeps the current value;
// Esc or Ctrl-C abandons, so the REPL (and code upload) always comes back.
import { Config, fields } from "../config";
import { ASKED_FIELDS } from "../config.table";
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
  // The firmware's UTF-8 check (src/mqtt/utf8.ts utf8Valid), for the fields' rules, and its JSON
  // that shows the texts' bytes as the UTF-8 they are (utf8Json), for what the console prints.
  isUtf8(s: string): boolean;
  json(v: any): string;
}

// The devices the console drives, supplied by the console's own file (src/console/entry.ts), so
// that the firmware keeps none of their code between commands.
export interface ConsoleDevices {
  // The serial line, made when called: only setup() and its "keys" pay for its functions.
  serial(): Serial;
  // Turns Espruino's network console on or off.
  setTelnet(on: boolean): void;
}

export var MAX_LINE = 100;

// The wizard's hold on the serial line; entry.ts moves the REPL away while it is held. Plain
// functions (no `this`).
export interface Serial {
  grab(onData: (chunk: string) => void): void;
  write(s: string): void;
  release(): void;
}

// The wizard between two chunks of serial input (kept by the firmware). i, k and cr are names of
// their own short enough for a variable each: listed for the minifier to shorten (minify-options.mjs)
// they would push three other names from one letter to two (4 bytes more).
export interface Wizard {
  // The index of the field asked for (in the configuration's order), and its name: empty once
  // the wizard is over.
  i: number;
  k: string;
  // Whether that field is a password (not echoed, its value shown as ***).
  secret?: boolean;
  // The line typed so far, and why it will be refused ("" while fine).
  typed: string;
  refusal: string;
  // Whether the last char was CR (an LF after it ends no second line).
  cr?: boolean;
  // The configuration being edited.
  editing: Config;
}

// setup()'s wizard keeps its state in a plain object rather than in closures: the firmware hands it
// each chunk typed by evaluating the console's code afresh (src/main.ts), so between two
// keystrokes none of that code holds RAM. Call wizardStart once the serial line is held, then
// wizardInput with each chunk. Once the wizard is over (k empty), it was completed when i is
// ASKED_FIELDS (its answers are in `editing`), else abandoned. Typed lines are assembled from raw serial chunks:
// backspace edits, CR, LF or CRLF ends a line, Ctrl-C (or the DLE that starts every line the
// espruino CLI uploads) abandons. Hostile lines are refused whole: too long, or holding control
// characters. Password fields are not echoed.
// Esc pressed alone abandons too (a key that sends a sequence, ESC [ A..., is control chars).
export function wizardStart(line: Serial, cur: Config): Wizard {
  // secret and cr are set before they are read.
  wizard = { i: 0, k: "", typed: "", refusal: "", editing: cur };
  serial = line;
  line.write("setup (Enter: keep, Esc: quit)\r\n");
  ask();
  return wizard;
}

// The wizard and serial line of the chunk being handled (one run of the console's code).
var wizard: Wizard;
var serial: Serial;
// The firmware's UTF-8 check for the answers' rules, as the keys' run was given it.
var isUtf8: (s: string) => boolean;

function end(done?: boolean) {
  wizard.k = "";
  if (!done) serial.write("\r\nsetup abandoned\r\n");
  serial.release();
}

// The wizard asks for the first ASKED_FIELDS: Wi-Fi, broker, client id and MQTT credentials.
function ask() {
  var v;
  if (wizard.i >= ASKED_FIELDS) return end(true);
  v = (wizard.editing as any)[(wizard.k = fields()[wizard.i])];
  wizard.secret = /^pass/.test(wizard.k);
  serial.write(wizard.k + " [" + (wizard.secret && v ? "***" : v) + "]: ");
}

function answer(v: any, err: string) {
  var k = wizard.k;
  if (!v && !err) v = (wizard.editing as any)[k];
  if (k == "port") v = +v;
  if ((err = err || (checkField(k, v, isUtf8) as string))) serial.write("error: " + err + "\r\n");
  else (((wizard.editing as any)[k] = v), wizard.i++);
  ask();
}

export function wizardInput(state: Wizard, line: Serial, chunk: string, utf8: (s: string) => boolean) {
  var out = line.write;
  wizard = state;
  serial = line;
  isUtf8 = utf8;
  for (var j = 0; j < chunk.length && wizard.k; j++) {
    var ch = chunk[j];
    var c = ch.charCodeAt(0);
    if (c == 3 || c == 16 || (c == 27 && !chunk[j + 1])) end();
    else if (c == 10 && wizard.cr) {
    } else if (c == 13 || c == 10) {
      out("\r\n");
      answer(wizard.typed, wizard.refusal);
      wizard.typed = wizard.refusal = "";
    } else if (c == 8 || c == 127) {
      if (wizard.typed && !wizard.secret) out("\b \b");
      wizard.typed = wizard.typed.slice(0, -1);
    } else if (wizard.typed.length >= MAX_LINE) wizard.refusal = "line too long";
    else {
      if (c < 32) wizard.refusal = "control chars";
      else if (!wizard.secret) out(ch);
      wizard.typed += ch;
    }
    wizard.cr = c == 13;
  }
}

var SET = "config({...})";
// Library functions by short names: each use saves the file about twelve bytes.
var json = JSON.stringify;
var assign = Object.assign;

// The command being run: what the firmware lends the console, how to open the store, and the
// devices (set for one run of the console's code by runCommand).
var lent: ConsoleDeps;
var store: () => ConfigStore;
var devices: ConsoleDevices;
// The configuration in use when the command began (lent.config, read by a short name).
var inUse: Config | undefined;

// A copy of the current configuration (or of the defaults), to change before saving.
function copy(): Config {
  return assign({}, inUse || store().defaults());
}

// Sets the given fields on a copy, saves it if the whole is valid and differs from the stored one,
// and only then applies it; true once saved (or nothing changed). The store names the first
// broken rule (also of an unknown field).
function save(changes: any) {
  var say = lent.print;
  var edited = copy();
  var error: string | undefined = "use " + SET;
  if (changes && typeof changes == "object" && !Array.isArray(changes)) {
    assign(edited, changes);
    // A copy holds its fields in the configuration's order.
    if (inUse && json(inUse) == json(edited)) return (say("unchanged"), true);
    error = store().save(edited);
  }
  if (error) {
    say("error: " + error + " (nothing saved)");
    return false;
  }
  say("saved");
  // copy() is the configuration still in use (or the defaults): telnet is switched on a change.
  if (edited.telnet != copy().telnet) {
    devices.setTelnet(edited.telnet);
    if (edited.telnet) say("warning: telnet on: open to the LAN");
  }
  // Applied from a timer, after this command returns: by then nothing holds the console's code,
  // and reconnecting gets the RAM it would occupy.
  setTimeout(lent.net.input, 0, In.CONFIG, (lent.config = edited));
  return true;
}

// Runs the console command `name` with its argument. One function with a branch per command
// rather than an object of closures: a run of the console creates only what the command uses.
// `configs` opens the store: only the commands that read defaults or write flash build it.
export function runCommand(
  deps: ConsoleDeps,
  configs: () => ConfigStore,
  given: ConsoleDevices,
  name: string,
  arg?: any
) {
  var say = deps.print;
  var conn = deps.net;
  var shown: any, field: string;
  var running = deps.wizard;
  lent = deps;
  inUse = deps.config;
  store = configs;
  devices = given;
  if (name == "config") {
    if (arg !== undefined) return void save(arg);
    shown = copy();
    // The secrets, when set: the passwords (password, pass: the fields named pass..., as setup()
    // hides them) and the update key. (The value first: a regex right after the loop's head is a
    // SyntaxError on Espruino.)
    for (field in shown) if (shown[field] && /^pass|^key$/.test(field)) shown[field] = "***";
    say(lent.json(shown) + (inUse ? "" : " (not saved)"));
  } else if (name == "setup") {
    // The serial line's chunks come back as the "keys" command (the keys typed), each in a fresh
    // run of the console's code: the wizard lives for minutes, and only its state object stays
    // meanwhile. (Held once the first question is written: the REPL prints nothing before this
    // run returns.)
    lent.wizard = wizardStart(devices.serial(), copy());
    serial.grab(lent.command.bind(null, "keys"));
  } else if (name == "keys" && running) {
    wizardInput(running, devices.serial(), arg, lent.isUtf8);
    // Over: completed, its answers go to a run of their own ("done"), once this one has returned
    // (the wizard's code and the save's are never held at once).
    if (!running.k) {
      delete lent.wizard;
      if (running.i >= ASKED_FIELDS) setTimeout(lent.command, 0, "done", running.editing);
    }
  } else if (name == "done") {
    // setup()'s answers saved, the node connects (also when it was held by offline()).
    if (save(arg)) setTimeout(conn.input, 0, In.CONNECT);
  } else if (name == "status") {
    shown = inUse || {};
    say(
      lent.json(
        assign(
          { state: conn.nodeState, ssid: shown.ssid, broker: shown.broker, port: shown.port, error: conn.lastError },
          lent.info()
        )
      )
    );
  } else if (name == "forget") {
    store().erase();
    // After this run has returned, as save() does: the runner's code is never evaluated beside
    // the console's.
    delete lent.config;
    setTimeout(conn.input, 0, In.CONFIG);
    say("forgotten");
  } else if (name == "help")
    // The fields as an array joined by commas (an array in a string is its items with commas).
    say(
      "setup(): wizard\n" +
        SET +
        ": save " +
        fields() +
        "\nconfig(): show\nstatus(): state, error, info\noffline(): leave until connect()\nconnect(): rejoin\nforget(): erase, go offline"
    );
}
