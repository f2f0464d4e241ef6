// The configuration's fields, declared once: a field is one row here (its name as the user types it
// in config({...}), its rule, its default, what uses it), and the Config type follows from the
// rows. Run at build time (scripts/build.mjs, bakeTables): only the exported values below reach
// the board, as literals.
//
// The rows' order is the configuration's: every Config object holds its fields in this order (the
// store builds it from FIELD_DEFAULTS, the console copies it), and the runner compares the first
// LINK_FIELDS by position. So the uses come in blocks, in this order (pack() refuses another):
//   WIFI    the Wi-Fi link depends on it (a change rejoins); setup() asks for it;
//   BROKER  the MQTT link depends on it (a change reconnects); setup() asks for it;
//   MQTT    the MQTT link depends on it; setup() leaves it;
//   NODE    the node itself (no reconnect); setup() leaves it.
// Rules (checkField, src/store/config-store.ts): the kind, then the bounds (of a text's length in
// bytes, of an integer's value) as "lo-hi". Kinds: s text (8-bit, no control chars), p WPA
// passphrase (printable ASCII, or empty for an open network), h host name or IPv4, d client id
// (0-9A-Za-z_-), t topic (no + or #), i integer, b boolean, | one of the values listed after it.

export type SwitchMode = "toggle" | "button" | "detached";
export type PowerOn = "last" | "on" | "off";

export const enum Use {
  WIFI,
  BROKER,
  MQTT,
  NODE
}

interface Field<T> {
  use: Use;
  rule: string;
  value: T;
}

function field<T>(use: Use, rule: string, value: T): Field<T> {
  return { use: use, rule: rule, value: value };
}

export const FIELDS = {
  ssid: field<string>(Use.WIFI, "s1-32", ""),
  // WPA password, or "" for an open network. Never printed.
  password: field<string>(Use.WIFI, "p8-63", ""),
  // Host name or IPv4 address of the MQTT broker.
  broker: field<string>(Use.BROKER, "h1-253", ""),
  port: field<number>(Use.BROKER, "i1-65535", 1883),
  // MQTT client id; by default "lightnode-" and the last 3 bytes of the chip's MAC, which the store
  // appends (config-store.ts).
  id: field<string>(Use.BROKER, "d1-23", "lightnode-"),
  user: field<string>(Use.BROKER, "s0-64", ""),
  // MQTT password. Never printed.
  pass: field<string>(Use.BROKER, "s0-64", ""),
  // Base topic of the node's messages.
  topic: field<string>(Use.MQTT, "t1-64", "living_room_lights"),
  // MQTT keepalive in seconds (0: none).
  keepalive: field<number>(Use.MQTT, "i0-65535", 30),
  // Espruino's network console on TCP port 23: off unless the user asks for it.
  telnet: field<boolean>(Use.NODE, "b", false),
  // How the wall switch input drives the light.
  mode: field<SwitchMode>(Use.NODE, "|toggle|button|detached", "toggle"),
  // Light state at power-on.
  power: field<PowerOn>(Use.NODE, "|last|on|off", "last"),
  // Act on retained messages on the command topic (off: avoids ghost switching after a reboot).
  retained: field<boolean>(Use.NODE, "b", false),
  // Publish Home Assistant MQTT discovery.
  discovery: field<boolean>(Use.NODE, "b", true),
  // The update key (issue 18): the HMAC key of signed updates, 16-64 printable ASCII characters;
  // "" refuses every update. Never printed, published or shown. Only 4 MB boards have it (1 MB ones
  // have no room for a second copy of the firmware, and take no updates).
  key: field<string>(Use.NODE, "p16-64", ""),
  // Gestures on the wall switch (issue 21; Tasmota's SetOption73): in button and detached modes,
  // single, double and hold published on <base>/action. Only 4 MB boards have it (their gesture
  // code is a Storage file of the sets, src/gesture/).
  gestures: field<boolean>(Use.NODE, "b", false),
  // Seconds between re-publications of <base>/info (telemetry), 0: only at connect. 4 MB boards only.
  tele: field<number>(Use.NODE, "i0-86400", 300)
};

// The node's stored configuration: each field of FIELDS with its value's type.
export type Config = { [K in keyof typeof FIELDS]: (typeof FIELDS)[K]["value"] };

type Name = keyof typeof FIELDS;
// The build says whether the files it builds take updates (scripts/build.mjs: 4 MB sets and safe
// mode); unit tests on Node see every field.
declare var BUILD_UPDATES: boolean | undefined;
// Only a board that takes updates keeps the update key, gestures and telemetry: on a 1 MB board
// each would cost every configuration 1-3 variables (measured, the key: Active 651 against 649)
// and do nothing.
var SETS_ONLY = ["key", "gestures", "tele"];
var NAMES = (Object.keys(FIELDS) as Name[]).filter(function (k) {
  return SETS_ONLY.indexOf(k) < 0 || typeof BUILD_UPDATES == "undefined" || BUILD_UPDATES;
});

// How many fields come first with a use of `last` or before it; throws (failing the build) when
// the uses are out of order.
function count(last: Use): number {
  var n = 0;
  NAMES.forEach(function (k, i) {
    if (i && FIELDS[k].use < FIELDS[NAMES[i - 1]].use)
      throw new Error("config: field " + k + " is out of its use's block");
    if (FIELDS[k].use <= last) n++;
  });
  return n;
}

// Every field's name in order, separated by spaces (a string constant stays in flash with the
// code that reads it, where an array would be built in RAM).
export const FIELD_NAMES = NAMES.join(" ");
// Every field's rule, in the same order and form.
export const FIELD_RULES = NAMES.map(function (k) {
  return FIELDS[k].rule;
}).join(" ");
// Every field's default, in the same order: a function, so that the board builds the array only
// when it is used (the build turns it into one returning the array as a literal).
export function fieldDefaults(): any[] {
  return NAMES.map(function (k) {
    return FIELDS[k].value;
  });
}
// The fields the Wi-Fi link depends on (the first WIFI_FIELDS), the links together (the first
// LINK_FIELDS), and those setup() asks for (the first ASKED_FIELDS).
export const WIFI_FIELDS = count(Use.WIFI);
export const ASKED_FIELDS = count(Use.BROKER);
export const LINK_FIELDS = count(Use.MQTT);
