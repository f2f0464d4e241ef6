// The console's code as a Storage file of its own (CONSOLE_FILE): the firmware runs it when a
// command is typed (CONSOLE_FILE in src/config.ts), and once at boot to read the stored configuration, and keeps none of its
// functions after (src/main.ts), so the wizard, the rules and the messages cost no RAM between
// commands. The file is the body of a function (scripts/build.mjs): its code, then this function
// applied to the body's arguments (ctx, name, arg).
import { Config } from "../config";
import { Print, StorageModule } from "../ports";
import { configStore } from "../store/config-store";
import { Record } from "../store/record";
import { runCommand, ConsoleDeps, Serial } from "./commands";

// The chip's serial (the default client id derives from it) the console takes from Espruino
// itself, as it takes its devices; Storage and the CRC it takes from the firmware, which lends
// them to the light too (shorter than require("Storage") and E.CRC32: 16 bytes of the budget).
export interface ConsoleContext extends ConsoleDeps {
  print: Print;
  storage: StorageModule;
  crc: (data: string) => number;
  // The firmware's openRecord (src/store/record.ts), shared rather than bundled twice.
  open: (storage: StorageModule, name: string, version: number, crc: (data: string) => number, log: Print) => Record;
}

// Espruino's devices. The network console (TCP 23) hands the REPL, and so the stored password, to
// the LAN; the 512 KB build has no TelnetServer, hence the guard. setup() holds the serial line by
// moving the REPL to the loopback device meanwhile: only setup() and its "keys" build that
// device, so that other commands do not pay for its functions.
function telnet(on: boolean) {
  try {
    require("TelnetServer").setOptions({ mode: on ? "on" : "off" });
  } catch (e) {}
}

function serialLine(): Serial {
  return {
    grab: function (fn) {
      LoopbackA.setConsole(false);
      Serial1.on("data", fn);
    },
    write: function (s) {
      Serial1.write(s);
    },
    release: function () {
      (Serial1 as any).removeAllListeners("data");
      Serial1.setConsole(false);
    }
  };
}

// "load": reads the valid stored configuration into ctx.config (undefined: none, and why is
// printed), with telnet set as it says; any other name runs that console command with its
// argument. The store (its record's functions and its own) is opened only by what reads or writes
// flash: status(), help() and each key typed into setup() never build it.
export default function run(ctx: ConsoleContext, name: string, arg?: any): void {
  var store = function () {
    return configStore(ctx.open(ctx.storage, "cfg", 1, ctx.crc, ctx.print), getSerial(), ctx.print, ctx.isUtf8);
  };
  var cfg: Config | undefined;
  if (name == "load") {
    cfg = ctx.config = store().load();
    telnet(!!cfg && cfg.telnet);
  } else runCommand(ctx, store, { setTelnet: telnet, serial: serialLine }, name, arg);
}
