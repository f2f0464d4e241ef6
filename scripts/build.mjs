// Builds the files that are flashed: type-check and emit ES5 with the pinned TypeScript 5, bundle
// each Storage file with Rollup (Espruino's built-in modules stay plain require() calls), then
// minify with terser at ecma 5. Fails when the Storage files together are over the size budget.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { crc32 } from "node:zlib";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";
import vm from "node:vm";
import { rollup } from "rollup";
import { minify } from "terser";
import { checkSource, formatViolations } from "./espruino-gate.mjs";
import { MINIFY_OPTIONS } from "./minify-options.mjs";
import { tokeniseLines } from "./pretokenise.mjs";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "build");
export const SIZE_BUDGET = 12 * 1024;
const BUILTIN_MODULES = ["Wifi", "Storage", "net", "TelnetServer", "ESP8266"];
// Replaces the __BOARD__ and __VERSION__ placeholders with the board profile and package version.
// The profile's booleans become 1/0 (the firmware compares them loosely): on Espruino a property
// holding an integer is one variable, a boolean two.
function bakeConstants(board, version) {
  const profile = JSON.stringify(board, (key, value) => (typeof value == "boolean" ? +value : value));
  return {
    name: "bake-constants",
    transform(code) {
      if (!code.includes("__BOARD__") && !code.includes("__VERSION__")) return null;
      return {
        code: code.replace(/__BOARD__/g, profile).replace(/__VERSION__/g, JSON.stringify(version)),
        map: null
      };
    }
  };
}

// Tables written as data (src/**/*.table.ts): the build runs each such module on Node and puts
// only what it exports in its place, as literals, so its rows, names and packing code cost the
// board nothing (as the Moddable SDK's preload freezes objects into flash). An exported value
// becomes `var NAME = <literal>` (the minifier inlines a string or a number where it is used); an
// exported function without parameters is called here and becomes a function returning its result
// as a literal (an array or object: built where it is used, once per call, as a literal written
// in the code would be). Any other export fails the build. Such a module may import others (it is
// bundled on its own first) but must not touch Espruino's globals.
function bakeTables() {
  return {
    name: "bake-tables",
    async transform(code, id) {
      if (!id.endsWith(".table.js")) return null;
      const table = await rollup({ input: id, onwarn(warning) {
        throw new Error("rollup (" + id + "): " + warning.message);
      } });
      const { output } = await table.generate({ format: "cjs", exports: "named" });
      await table.close();
      const module = { exports: {} };
      vm.runInNewContext(output[0].code, { module, exports: module.exports });
      const baked = Object.entries(module.exports).map(([name, value]) => {
        if (typeof value != "function") return `export var ${name} = ${JSON.stringify(value)};`;
        if (value.length) throw new Error(`${id}: ${name} takes parameters: a table exports values and functions without parameters`);
        return `export function ${name}() { return ${JSON.stringify(value())}; }`;
      });
      return { code: baked.join("\n"), map: null };
    }
  };
}

// The Storage files, each built from its entry module: the console's code and the connection's
// (each one expression, the function src/console/entry.ts or src/conn/entry.ts exports, evaluated
// when used), then the boot code, which checks them by their CRC (`crc`: its placeholder there).
export const FILES = [
  { storage: "lightnode.con", entry: "console/entry.js", name: "console", expression: true, crc: "__CRC_CON__" },
  { storage: "lightnode.net", entry: "conn/entry.js", name: "net", expression: true, crc: "__CRC_NET__" },
  { storage: ".bootcde", entry: "main.js", name: "firmware" }
];

// One name cache for every file: the minifier shortens internal property names (minify-options.mjs),
// and the boot code and the console pass objects to each other, so both must shorten them alike.
async function bundle(file, board, version, nameCache) {
  const bundle = await rollup({
    input: path.join(out, "tsc", file.entry),
    external: BUILTIN_MODULES,
    plugins: [bakeTables(), bakeConstants(board, version)],
    onwarn(warning) {
      throw new Error("rollup: " + warning.message);
    }
  });
  const { output } = await bundle.generate(file.expression ? { format: "iife", name: "CONSOLE", strict: false, exports: "default" } : { format: "iife", strict: false });
  await bundle.close();
  let code = output[0].code;
  if (/^\s*(import|export)\s/m.test(code)) throw new Error("bundle still has import/export statements");
  const min = (await minify(code, { ...MINIFY_OPTIONS, nameCache })).code;
  // `var CONSOLE = (function () {...})();` as the bare expression that eval() returns.
  const expression = (js) => "(" + js.replace(/^var CONSOLE ?= ?/, "").replace(/;\s*$/, "") + ")\n";
  if (file.expression && !/^var CONSOLE ?=/.test(min)) throw new Error("console bundle: unexpected shape");
  return file.expression ? { code: expression(code), min: expression(min) } : { code, min };
}

async function build() {
  rmSync(path.join(out, "tsc"), { recursive: true, force: true });
  rmSync(path.join(out, "storage"), { recursive: true, force: true });
  mkdirSync(path.join(out, "storage"), { recursive: true });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], {
    stdio: "inherit"
  });

  delete require.cache[require.resolve(path.join(root, "espruino.config.js"))];
  const config = require(path.join(root, "espruino.config.js"));
  const version = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;
  let total = 0;
  let violations = 0;
  const nameCache = {};
  // Each CRC placeholder becomes the CRC of the file beside which each form of the boot code runs:
  // build/firmware.js beside build/console.js (in the simulator), firmware.min.js beside
  // console.min.js, .bootcde beside the stored lightnode.con.
  const crcs = { code: [], min: [], stored: [] };
  const bake = (text, form) => crcs[form].reduce((t, [name, value]) => t.split(name).join(String(value)), text);
  for (const file of FILES) {
    const built = await bundle(file, config.pins, version, nameCache);
    const code = bake(built.code, "code");
    const min = bake(built.min, "min");
    writeFileSync(path.join(out, file.name + ".js"), code);
    writeFileSync(path.join(out, file.name + ".min.js"), min);
    // build/storage/ holds exactly what `npm run flash` writes, each named as its Storage file:
    // the minified file pretokenised as the espruino CLI does (the simulator runs the .min.js,
    // which tokeniseLines proved to hold the same tokens).
    const stored = tokeniseLines(bake(built.min, "stored"));
    if (file.crc) {
      crcs.code.push([file.crc, crc32(Buffer.from(code, "latin1"))]);
      crcs.min.push([file.crc, crc32(Buffer.from(min, "latin1"))]);
      crcs.stored.push([file.crc, crc32(Buffer.from(stored, "latin1"))]);
    }
    writeFileSync(path.join(out, "storage", file.storage), stored, "latin1");
    total += stored.length;
    console.log(`build/storage/${file.storage}`.padEnd(28) + `${String(stored.length).padStart(6)} bytes  (build/${file.name}.min.js ${Buffer.byteLength(min)}, unminified ${Buffer.byteLength(code)})`);
    for (const [name, source] of [[`build/${file.name}.js`, code], [`build/${file.name}.min.js`, min], [`build/storage/${file.storage}`, stored]]) {
      const found = checkSource(source);
      violations += found.length;
      if (found.length) console.error(formatViolations(name, found));
    }
  }
  console.log(`all Storage files`.padEnd(28) + `${String(total).padStart(6)} bytes  (budget ${SIZE_BUDGET})`);
  if (violations) {
    console.error(`build: the Espruino compatibility gate found ${violations} problem(s)`);
    process.exit(1);
  }
  if (total > SIZE_BUDGET) {
    console.error(`build: the Storage files are ${total - SIZE_BUDGET} bytes over the ${SIZE_BUDGET}-byte budget`);
    process.exit(1);
  }
}

build().catch((err) => {
  console.error(String(err && err.stack ? err.message : err));
  process.exit(1);
});
