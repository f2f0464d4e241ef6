// The loader's tick (Storage file TICK_FILE, 4 MB boards): src/boot/tail.ts evaluates it
// CONFIRM_MS after a set's boot, and nothing of it stays.
import { tick } from "./runner";

tick({ storage: require("Storage"), crc: E.CRC32, print: print, restart: load });
