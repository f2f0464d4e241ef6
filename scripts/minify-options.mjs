// How the firmware is minified: shared by scripts/build.mjs and the benches that measure one part
// of it, so a part's figure is what it costs in build/firmware.min.js.

// Property names that only our own modules use between themselves (ports, hooks, deps objects,
// the MQTT client's API): the minifier shortens them. Never list a name that Espruino's API, a JSON
// payload, the stored record, a console command or a config field uses; the end-to-end tests run
// on firmware.min.js to catch a slip. A name left out is caught by test/gate/properties.test.ts
// (src/README.md).
export const INTERNAL_PROPERTIES = [
  "board",
  "button",
  "buttonPressedLow",
  "relay",
  "relayActiveLow",
  "led",
  "ledActiveLow",
  "clean",
  "clientId",
  "connackTimeout",
  "maxPacket",
  "outboxSize",
  "username",
  "will",
  "crc",
  "defaults",
  "grab",
  "release",
  "hooks",
  "info",
  "mqtt",
  "pins",
  "serial",
  "setConfig",
  "setTelnet",
  "open",
  "storage",
  "store",
  "watch",
  "wifi",
  "connected",
  "publish",
  "subscribe",
  "payload",
  "retain",
  "dup",
  "onLost",
  "onMessage",
  "onSubscribed",
  "session",
  "start",
  "drops",
  "fault",
  "faultAt",
  "up",
  "down",
  "load",
  "type",
  "code",
  "print",
  "close",
  "save",
  "wizard",
  "command",
  "secret",
  "typed",
  "refusal",
  "editing",
  "input",
  "run",
  "nodeState",
  "cfg",
  "machine",
  "mqttOn",
  "tries",
  "retryTimer",
  "watchdogTimer",
  "queue",
  "leaving",
  "leaveTimer",
  "generation",
  "upGeneration",
  "joinTimer",
  "arrived",
  "lastError",
  "net",
  "onEvent",
  "event",
  "isUtf8",
  "json"
];

export const MINIFY_OPTIONS = {
  ecma: 5,
  toplevel: false,
  // booleans: false keeps `true` and `false`: pretokenised, each is one byte, where `!0` and `!1` are two.
  compress: { passes: 3, ecma: 5, keep_fargs: false, unsafe: true, booleans: false },
  // builtins: terser would otherwise skip names that DOM objects also have (storage, start...).
  // The short names must not be keywords (`x.in`): valid ES5, but not worth a parser risk; nor a
  // method Espruino lacks (`x.at`): the compatibility gate would rightly refuse it.
  mangle: {
    properties: {
      builtins: true,
      regex: new RegExp("^(" + INTERNAL_PROPERTIES.join("|") + ")$"),
      reserved: [
        "in",
        "do",
        "if",
        "for",
        "new",
        "try",
        "var",
        "let",
        "int",
        "case",
        "else",
        "enum",
        "null",
        "this",
        "true",
        "void",
        "with",
        "at"
      ]
    }
  },
  // Short lines: Espruino reports an error's position by padding a line out to its column, and at boot
  // a 12 KB line ran the board out of memory doing so, hiding the error itself.
  format: { ecma: 5, comments: false, ascii_only: true, max_line_len: 200 }
};
