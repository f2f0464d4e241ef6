// The node's stored configuration: what the serial console sets and the flash store keeps.
// Field names are the ones the user types in config({...}).

export type SwitchMode = "toggle" | "button" | "detached";
export type PowerOn = "last" | "on" | "off";

export interface Config {
  ssid: string;
  // WPA password, 8-63 characters, or "" for an open network. Never printed.
  password: string;
  // Host name or IPv4 address of the MQTT broker.
  broker: string;
  port: number;
  // MQTT client id, 1-23 of [0-9A-Za-z_-]; defaults to one derived from the chip id.
  id: string;
  user: string;
  // MQTT password. Never printed.
  pass: string;
  // Base topic; "living_room_lights" by default.
  topic: string;
  // MQTT keepalive in seconds (30 by default).
  keepalive: number;
  // Espruino's network console on TCP port 23: off unless the user asks for it.
  telnet: boolean;
  // How the wall switch input drives the light.
  mode: SwitchMode;
  // Light state at power-on.
  power: PowerOn;
  // Act on retained messages on the command topic (off: avoids ghost switching after a reboot).
  retained: boolean;
  // Publish Home Assistant MQTT discovery.
  discovery: boolean;
  // The update key (issue 18), on 4 MB boards only (1 MB boards take no updates): 16-64
  // printable ASCII characters, the HMAC key of signed updates; "" (the default) refuses every
  // update. Never printed, published or shown.
  key?: string;
}

// The first nine fields, what the links depend on (the runner compares them), as one string (a
// string constant is inlined into the code, which stays in flash, where an array costs RAM).
export const FIELDS_OF_LINKS = "ssid password broker port id user pass topic keepalive";
// Every field, in the order the rules, the defaults and setup() (the first seven) take them. An
// array, not an object: on Espruino every object inherits `on` and `emit`, which a lookup by a
// user's key would find. A function, not an array at module level: the console's code is evaluated
// per command, and an array built at each evaluation would cost every command its 14 strings.
export function fields(): string[] {
  return (FIELDS_OF_LINKS + " telnet mode power retained discovery" + (SET_LETTER ? " key" : "")).split(" ");
}

// The Storage file holding the console's code (src/console/entry.ts): at most 28 characters, no
// leading dot (Storage keeps those for the system).
export var CONSOLE_FILE = "lightnode.con";
// The Storage file holding the runner's code (src/conn/entry.ts), under the same rules.
export var NET_FILE = "lightnode.net";
// The Storage file holding the update receiver (issue 18): never present on a 1 MB board, which
// has no room for a second set of files, so an update is refused there.
export var OTA_FILE = "lightnode.ota";
// The set of files this build is: "" on a 1 MB board (one set, the names above); on a 4 MB board
// "a" or "b", and scripts/build.mjs bakes each set's own names ("ln.a.con"...) and letter into
// this file (src/boot/ chooses the set at boot; an update writes the other one).
export var SET_LETTER = "";
