// The console's code as a Storage file of its own (CONSOLE_FILE): the firmware evaluates it when a
// command is typed (CONSOLE_FILE in src/config.ts), and once at boot to read the stored configuration, and keeps none of its
// functions after (src/main.ts), so the wizard, the rules and the messages cost no RAM between
// commands. The file is one expression, this function.
import { Config } from "../config";
import { Print, StorageModule } from "../ports";
import { configStore } from "../store/config-store";
import { commands, ConsoleDeps } from "./commands";

export interface ConsoleContext extends ConsoleDeps {
  storage: StorageModule;
  crc: (data: string) => number;
  // getSerial(): the default client id derives from it.
  chip: string;
  print: Print;
}

// "load": the valid stored configuration, or undefined (why is printed); any other name runs that
// console command with its argument.
export default function run(ctx: ConsoleContext, name: string, arg?: any): Config | undefined {
  var store = configStore(ctx.storage, ctx.crc, ctx.chip, ctx.print);
  if (name == "load") return store.load();
  (commands(ctx, store) as any)[name](arg);
  return undefined;
}
