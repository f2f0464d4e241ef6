// The minifier shortens only the property names listed in INTERNAL_PROPERTIES
// (scripts/minify-options.mjs); any other property keeps its name in the Storage files, where a
// name of 5 characters or more costs its bytes in flash and a variable more wherever it is held.
// This test reads the built files (npm test builds first; build/*.min.js hold the same tokens as
// build/storage/) and fails on every such name that is not public: an Espruino or JavaScript API,
// a configuration field, a console command or a key of a JSON payload. A name it reports is either
// an internal one to list in INTERNAL_PROPERTIES, or a public one to add below, with its reason.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as acorn from "acorn";
import * as walk from "acorn-walk";
import { fields } from "../../src/config";

// Public names the sources below do not give, by where they are public.
const PUBLIC = [
  // Espruino modules the firmware reaches without @types/espruino (src/ports.ts types them): the
  // ESP8266 module, a socket's and Serial1's listeners, the Wifi module's "disconnected" details.
  "getResetInfo",
  "removeAllListeners",
  "reason",
  // The console commands (src/main.ts puts them on the REPL's global object).
  "config",
  "setup",
  "status",
  "forget",
  "offline",
  "connect",
  // status() and <topic>/info (src/main.ts, src/console/commands.ts).
  "state",
  "error",
  "version",
  "reset",
  "uptime",
  "reconnects",
  // Home Assistant's discovery, in its documented abbreviations (src/light/app.ts).
  "uniq_id",
  "cmd_t",
  "stat_t",
  "avty_t",
  "pl_on",
  "pl_off"
];

// Every name JavaScript's own objects have (the interpreter has a subset of them).
function builtins(): Set<string> {
  const names = new Set<string>();
  for (const o of [Object, Array, String, Number, Math, JSON, Date, Promise, RegExp, Function, Error])
    for (const target of [o, (o as any).prototype])
      if (target) for (const n of Object.getOwnPropertyNames(target)) names.add(n);
  return names;
}

// Every word of Espruino's declared API: @types/espruino and what the firmware adds to it.
function espruino(): Set<string> {
  const text =
    readFileSync("node_modules/@types/espruino/index.d.ts", "utf8") +
    readFileSync("src/types/espruino-extra.d.ts", "utf8");
  return new Set(text.match(/[A-Za-z_$][\w$]*/g));
}

// The property names (member accesses and object keys) of 5 characters or more in a built file.
function longProperties(file: string): Set<string> {
  const names = new Set<string>();
  walk.full(acorn.parse(readFileSync(file, "latin1"), { ecmaVersion: 5 }), (n: any) => {
    const name =
      n.type == "MemberExpression" && !n.computed
        ? n.property.name
        : n.type == "Property"
          ? (n.key.name ?? String(n.key.value))
          : undefined;
    if (name && name.length >= 5) names.add(name);
  });
  return names;
}

describe("gate: internal property names are shortened", function () {
  const known = new Set([...PUBLIC, ...fields(), ...builtins(), ...espruino()]);
  for (const file of ["build/firmware.min.js", "build/console.min.js", "build/net.min.js"]) {
    it(`${file}: every unshortened property of 5+ characters is public`, function () {
      const unknown = [...longProperties(file)].filter((n) => !known.has(n));
      assert.deepEqual(
        unknown,
        [],
        "list these in INTERNAL_PROPERTIES (scripts/minify-options.mjs), or, if public, in PUBLIC here"
      );
    });
  }

  // The list holds no public name: one there would be renamed where Espruino or a user reads it.
  it("INTERNAL_PROPERTIES names no configuration field, console command or payload key", async function () {
    const { INTERNAL_PROPERTIES } = await import("../../scripts/minify-options.mjs" as string);
    const clash = (INTERNAL_PROPERTIES as string[]).filter((n) => PUBLIC.includes(n) || fields().includes(n));
    assert.deepEqual(clash, []);
  });
});
