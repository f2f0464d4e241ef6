// The node's stored configuration: what the serial console sets and the flash store keeps. Its
// fields are declared once, in config.table.ts (names, rules, defaults, uses).
import { FIELD_NAMES } from "./config.table";

export type { Config, PowerOn, SwitchMode } from "./config.table";

// Every field, in the configuration's order. An array, not an object: on Espruino every object
// inherits `on` and `emit`, which a lookup by a user's key would find. A function, not an array at
// module level: the console's code is evaluated per command, and an array built at each evaluation
// would cost every command its 14 strings.
export function fields(): string[] {
  return FIELD_NAMES.split(" ");
}

// The Storage file holding the console's code (src/console/entry.ts): at most 28 characters, no
// leading dot (Storage keeps those for the system).
export var CONSOLE_FILE = "lightnode.con";
// The Storage file holding the runner's code (src/conn/entry.ts), under the same rules.
export var NET_FILE = "lightnode.net";
// The Storage file holding the update receiver (issue 18): never present on a 1 MB board, which
// has no room for a second set of files, so an update is refused there.
export var OTA_FILE = "lightnode.ota";
// The Storage file holding the gestures' code (issue 21, src/gesture/): 4 MB boards only, like the
// receiver; evaluated at each edge of the wall switch while gestures are on.
export var GESTURE_FILE = "lightnode.gst";
// The set of files this build is: "" on a 1 MB board (one set, the names above); on a 4 MB board
// "a" or "b", and scripts/build.mjs bakes each set's own names ("ln.a.con"...) and letter into
// this file (src/boot/ chooses the set at boot; an update writes the other one).
export var SET_LETTER = "";
