// The console's code as a Storage file of its own (CONSOLE_FILE): the firmware evaluates it when a
// command is typed (CONSOLE_FILE in src/config.ts), and once at boot to read the stored configuration, and keeps none of its
// functions after (src/main.ts), so the wizard, the rules and the messages cost no RAM between
// commands. The file is one expression, this function.
import { Config } from "../config";
import { Print, StorageModule } from "../ports";
import { configStore } from "../store/config-store";
import { Record } from "../store/record";
import { runCommand, ConsoleDeps, Serial } from "./commands";

// Storage, the CRC and the chip's serial (the default client id derives from it) the console takes
// from Espruino itself, as it takes its devices: the firmware keeps only what it must lend.
export interface ConsoleContext extends ConsoleDeps {
  print: Print;
  // The firmware's openRecord (src/store/record.ts), shared rather than bundled twice.
  open: (storage: StorageModule, name: string, version: number, crc: (data: string) => number, log: Print) => Record;
}

// Espruino's devices. The network console (TCP 23) hands the REPL, and so the stored password, to
// the LAN; the 512 KB build has no TelnetServer, hence the guard. setup() holds the serial line by
// moving the REPL to the loopback device meanwhile: only setup() and its "chars" build that
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

// "load": the valid stored configuration, or undefined (why is printed), with telnet set as it
// says; any other name runs that console command with its argument.
export default function run(ctx: ConsoleContext, name: string, arg?: any): Config | undefined {
  var store = configStore(ctx.open(require("Storage"), "cfg", 1, E.CRC32, ctx.print), getSerial(), ctx.print);
  var cfg: Config | undefined;
  if (name == "load") {
    cfg = store.load();
    telnet(!!(cfg && cfg.telnet));
    return cfg;
  }
  runCommand(
    ctx,
    store,
    { telnet: telnet, serial: name == "setup" || name == "chars" ? serialLine() : undefined },
    name,
    arg
  );
  return undefined;
}
