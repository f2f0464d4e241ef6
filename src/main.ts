// Composition root: the only module that touches Espruino's globals and require().
// The bundle declares modules in import order, and Espruino finds a name in its scope by walking
// the names in that order: the per-message path (client, codec, app) comes first. (Measured: 19
// bytes smaller; no speed change beyond the bench's noise.)
import { createClient } from "./mqtt/client";
import { createLightApp, LightDeps } from "./light/app";
import { In, NetState } from "./conn/types";
import { AppEvent } from "./app-hooks";
import { createNet } from "./conn/net";
import { ConsoleContext } from "./console/entry";
import { CONSOLE_FILE, SET_LETTER } from "./config";
import { BoardProfile, Pins, Print, StorageModule } from "./ports";
import { openRecord } from "./store/record";
import { utf8Json, utf8Valid } from "./mqtt/utf8";

var started = false;
var board: BoardProfile = __BOARD__;
var net: NetState | undefined;

// The Pins port is Espruino's pin functions themselves, which take pin names ("D12") as they are.
var pins: Pins = { write: digitalWrite, read: digitalRead, mode: pinMode, watch: setWatch };

// Espruino makes a variable for a native function each time its name is read: the parts that
// print share one.
var say: Print = print;
var storage: StorageModule;
// What the firmware lends its parts, one object for the console's context and the light's deps
// (they share print, info and the configuration; one object, not two, is 4 variables fewer).
var ctx: ConsoleContext & LightDeps;
var t0: number;

// The console's and the runner's code run from Storage files of their own, made into functions
// when used; nothing of them stays. Each file is a function's body, made by Function(): Espruino's
// eval runs code in its caller's scope, and each function the code makes would copy the scope
// chain of this function and the firmware's; a Function() has no scope (measured on
// espruino-esp8266-4mb: each console command's peak 45-60 variables lower, a reconnect's and
// connect()'s about 20). A file is run only when its CRC is the one the
// build wrote: without the file (only .bootcde flashed, or it was erased), with one cut short
// (power lost while flashing: the rest reads as erased flash) or otherwise damaged, the switch
// still works, the node stays in its state, and each use says what is wrong. Evaluating a file
// only makes its function, so an exception here is a damaged file, never its code failing
// (Function() parses nothing until called: the CRC alone vouches).
function file(name: string): any {
  var code = storage.read(name);
  try {
    if (E.CRC32(code as string) == (name == CONSOLE_FILE ? __CRC_CON__ : __CRC_NET__)) return Function(code as string);
  } catch (e) {}
  say(name + " missing or damaged: run npm run flash");
}

function con(name: string, arg?: any) {
  var run = file(CONSOLE_FILE);
  if (run) run(ctx, name, arg);
}

// The console commands, on the REPL's global object: function expressions at module level, so
// that each has no name in the module's scope (a variable less) and closes over no function's
// scope (about 3 more). Defined once: save() keeps them in the image it stores.
Object.assign(global, {
  config: function (arg?: any) {
    con("config", arg);
  },
  setup: function () {
    con("setup");
  },
  status: function () {
    con("status");
  },
  forget: function () {
    con("forget");
  },
  help: function () {
    con("help");
  },
  offline: function () {
    net!.input(In.OFFLINE);
  },
  connect: function () {
    net!.input(In.CONNECT);
  }
});

// Diagnostics for status() and <topic>/info (the firmware's version among them: the light's Home
// Assistant discovery takes it from here).
function info() {
  // The runner's Wifi, not require("Wifi") again (12 bytes of flash); a command or ACTIVE runs
  // this, never before start() made the runner.
  var Wifi = net!.wifi;
  var d: any = {
    version: __VERSION__,
    reset: require("ESP8266").getResetInfo().reason,
    ip: Wifi.getIP().ip,
    rssi: Wifi.getDetails().rssi,
    free: process.memory().free,
    uptime: Math.round((Date.now() - t0) / 1000),
    reconnects: net!.drops
  };
  // On 4 MB boards, the set of files running (the update's host tool builds the other one) and
  // whether the update key is set (never the key itself). A 1 MB board has no sets, and takes no
  // updates.
  if (SET_LETTER) ((d.set = SET_LETTER), (d.key = ctx.config && ctx.config.key ? "set" : "unset"));
  // On 4 MB boards (the telemetry's), the last failure of the links since boot, and when it
  // happened, in seconds of uptime (status() says the current one as "error").
  if (SET_LETTER && net!.fault)
    ((d.last_error = net!.fault), (d.last_error_at = Math.round((net!.faultAt! - t0) / 1000)));
  return d;
}

function start() {
  if (started) return;
  started = true;
  say("lightnode " + __VERSION__);
  t0 = Date.now();
  storage = require("Storage");
  ctx = {
    print: say,
    info: info,
    open: openRecord,
    command: con,
    pins: pins,
    board: board,
    storage: storage,
    crc: E.CRC32,
    isUtf8: utf8Valid,
    json: utf8Json
  } as ConsoleContext & LightDeps;
  // Sets ctx.config: the stored configuration, or none.
  con("load");
  net = ctx.net = createNet(
    {
      wifi: require("Wifi"),
      // The runner passes every option but the client's own defaults on every connect.
      mqtt: createClient(require("net"), {}),
      hooks: createLightApp(ctx),
      print: say
    },
    file
  );
  net.input(In.START, ctx.config);
}

E.on("init", start);
// save() runs 'kill', stores the RAM image with its timers and watches, then runs 'init': stop the
// links and drop every timer, watch and Wi-Fi listener, so that the image starts afresh, once.
E.on("kill", function () {
  // Without a runner, no Wifi listener was added either.
  if (net) (net.input(In.OFFLINE), net.hooks.event(AppEvent.STOP), net.wifi.removeAllListeners("disconnected"));
  // With no argument: Espruino throws on clearWatch(undefined) and clearTimeout(undefined).
  clearWatch();
  clearTimeout();
  started = false;
});
start();
