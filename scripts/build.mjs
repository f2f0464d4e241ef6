// Builds the files that are flashed: type-check and emit ES5 with the pinned TypeScript 5, bundle
// each Storage file with Rollup (Espruino's built-in modules stay plain require() calls), then
// minify with terser at ecma 5. Fails when the Storage files together are over the size budget.
// Two layouts (README, Flashing):
//   build/storage/      1 MB boards: the core (.bootcde, lightnode.con, lightnode.net), the budget;
//   build/storage-4mb/  4 MB boards: the loader (.bootcde, src/boot/) and set a of the core, built
//                       with its own names baked in (ln.a.boot, ln.a.con, ln.a.net, ln.a.ota,
//                       ln.a.gst).
//   node scripts/build.mjs --set b --out DIR   only set b's files, into DIR (the update's image).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { crc32 } from "node:zlib";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";
import vm from "node:vm";
import * as acorn from "acorn";
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
// bundled on its own first) but must not touch Espruino's globals. It sees one global of the
// build's, BUILD_UPDATES: whether the files built take updates (4 MB boards: the sets and safe mode),
// so that a row only they use (the update key) costs 1 MB boards nothing.
function bakeTables(updates) {
  return {
    name: "bake-tables",
    async transform(code, id) {
      if (!id.endsWith(".table.js")) return null;
      const table = await rollup({
        input: id,
        onwarn(warning) {
          throw new Error("rollup (" + id + "): " + warning.message);
        }
      });
      const { output } = await table.generate({ format: "cjs", exports: "named" });
      await table.close();
      const module = { exports: {} };
      vm.runInNewContext(output[0].code, { module, exports: module.exports, BUILD_UPDATES: updates });
      const baked = Object.entries(module.exports).map(([name, value]) => {
        if (typeof value != "function") return `export var ${name} = ${JSON.stringify(value)};`;
        if (value.length)
          throw new Error(`${id}: ${name} takes parameters: a table exports values and functions without parameters`);
        return `export function ${name}() { return ${JSON.stringify(value())}; }`;
      });
      return { code: baked.join("\n"), map: null };
    }
  };
}

// Bakes a set's own names and letter into src/config.ts (CONSOLE_FILE, NET_FILE, OTA_FILE,
// GESTURE_FILE, SET_LETTER): "lightnode.con" becomes "ln.a.con", SET_LETTER "" becomes "a". Each
// must be found exactly once, so that a renamed constant fails the build rather than a set using another's files.
function bakeSet(letter) {
  const swaps = [
    ['"lightnode.con"', JSON.stringify(setName("lightnode.con", letter))],
    ['"lightnode.net"', JSON.stringify(setName("lightnode.net", letter))],
    ['"lightnode.ota"', JSON.stringify(setName("lightnode.ota", letter))],
    ['"lightnode.gst"', JSON.stringify(setName("lightnode.gst", letter))],
    ['SET_LETTER = ""', "SET_LETTER = " + JSON.stringify(letter)]
  ];
  return {
    name: "bake-set",
    transform(code, id) {
      if (!letter || path.basename(id) !== "config.js") return null;
      for (const [from, to] of swaps) {
        if (code.split(from).length !== 2) throw new Error(`bake-set: ${from} is not in src/config.ts exactly once`);
        code = code.replace(from, to);
      }
      return { code, map: null };
    }
  };
}

// The Storage files, each built from its entry module: the console's code and the connection's
// (run when used, each as `body`: the body of a function applying its entry's export to its
// arguments, made by Function() in src/main.ts), then the boot code, which checks them by their
// CRC (`crc`: its placeholder there).
// `setOnly`: a file of the sets alone (4 MB boards), never in build/storage/ (the budget).
export const FILES = [
  {
    storage: "lightnode.con",
    entry: "console/entry.js",
    name: "console",
    expression: true,
    body: true,
    crc: "__CRC_CON__"
  },
  { storage: "lightnode.net", entry: "conn/entry.js", name: "net", expression: true, body: true, crc: "__CRC_NET__" },
  { storage: ".bootcde", entry: "main.js", name: "firmware" },
  // The update receiver (src/ota/): last, so that the files before it are minified alike in both
  // layouts (one name cache per build).
  { storage: "lightnode.ota", entry: "ota/entry.js", name: "ota", expression: true, setOnly: true },
  // The gestures' code (src/gesture/, issue 21), evaluated at each edge of the wall switch while
  // gestures are on: 4 MB boards only.
  { storage: "lightnode.gst", entry: "gesture/entry.js", name: "gesture", expression: true, setOnly: true }
];

// The files of a 4 MB board outside the sets, written once by npm run flash and never updated
// over the air: the loader, which chooses the set at each boot, its tick (ln.tick, run 10 minutes
// after a boot: restarts a trial not yet confirmed, resets the boot count of a set that ran), and
// safe mode (ln.safe: relay, wall switch, console and the update path, after 5 failed boots).
export const LOADER_FILES = [
  { storage: ".bootcde", entry: "boot/loader.js", name: "loader", global: "LN", tail: "boot/tail.js" },
  { storage: "ln.tick", entry: "boot/tick.js", name: "tick" },
  { storage: "ln.safe", entry: "boot/safe.js", name: "safe" }
];

// A core file's name in set `letter` ("a", "b"): .bootcde -> ln.a.boot, lightnode.con -> ln.a.con.
// Never longer than the 1 MB name. No letter: the 1 MB name itself.
export function setName(storage, letter) {
  if (!letter) return storage;
  return "ln." + letter + "." + (storage === ".bootcde" ? "boot" : storage.replace(/^lightnode\./, ""));
}

// One name cache for every file: the minifier shortens internal property names (minify-options.mjs),
// and the boot code and the console pass objects to each other, so both must shorten them alike.
async function bundle(file, board, version, nameCache, letter, updates) {
  const bundle = await rollup({
    input: path.join(out, "tsc", file.entry),
    external: BUILTIN_MODULES,
    plugins: [bakeTables(updates), bakeConstants(board, version), bakeSet(letter)],
    onwarn(warning) {
      throw new Error("rollup: " + warning.message);
    }
  });
  const { output } = await bundle.generate(
    file.expression
      ? { format: "iife", name: "CONSOLE", strict: false, exports: "default" }
      : file.global
        ? { format: "iife", name: file.global, strict: false, exports: "default" }
        : { format: "iife", strict: false }
  );
  await bundle.close();
  let code = output[0].code;
  // `global`/`tail` (the loader): the bundle's default export as a global, then statements of the
  // tail's own (a TypeScript script, no imports) at the file's top level, outside any function:
  // Espruino's eval() runs code in the caller's scope, and code evaluated inside a function makes
  // each of its functions keep a copy of the scope chain (measured: the core evaluated so costs
  // about 175 variables more than at top level).
  if (file.tail) code += "\n" + readFileSync(path.join(out, "tsc", file.tail), "utf8");
  if (/^\s*(import|export)\s/m.test(code)) throw new Error("bundle still has import/export statements");
  const min = (await minify(code, { ...MINIFY_OPTIONS, nameCache })).code;
  // `var CONSOLE = (function () {...})();` as the bare expression that eval() returns.
  const expression = (js) => "(" + js.replace(/^var CONSOLE ?= ?/, "").replace(/;\s*$/, "") + ")\n";
  if (file.expression && !/^var CONSOLE ?=/.test(min)) throw new Error("console bundle: unexpected shape");
  // The console's file (`body`): the body of the bundle's function, ending with its default export
  // applied to the body's arguments, as Function(code) runs it (src/main.ts).
  const body = (js) => {
    const fn = acorn.parse(js, { ecmaVersion: 5 }).body[0].declarations[0].init;
    const iife = fn.type == "CallExpression" ? fn.callee : null;
    const last = iife && iife.body.body[iife.body.body.length - 1];
    if (!last || last.type != "ReturnStatement") throw new Error("console bundle: unexpected shape");
    const inner = js.slice(iife.body.start + 1, last.start);
    return inner + "(" + js.slice(last.argument.start, last.argument.end) + ").apply(0,arguments)\n";
  };
  if (file.body) return { code: body(code), min: body(min) };
  return file.expression ? { code: expression(code), min: expression(min) } : { code, min };
}

// Builds `files` into `dir`, each under its Storage name in set `letter` ("": the 1 MB names), with
// the update key among the configuration's fields when `updates` (a set's files, safe mode);
// `forms` also writes build/NAME.js and build/NAME.min.js (what the simulator and the end-to-end
// tests run: the 1 MB build's alone). Returns the bytes stored and the gate's problem count.
async function buildFiles(files, { config, version, letter, dir, label, forms, updates = !!letter }) {
  mkdirSync(dir, { recursive: true });
  let total = 0;
  let violations = 0;
  // One name cache per build (see bundle()).
  const nameCache = {};
  // Each CRC placeholder becomes the CRC of the file beside which each form of the boot code runs:
  // build/firmware.js beside build/console.js (in the simulator), firmware.min.js beside
  // console.min.js, .bootcde beside the stored lightnode.con (ln.a.boot beside ln.a.con).
  const crcs = { code: [], min: [], stored: [] };
  const bake = (text, form) => crcs[form].reduce((t, [name, value]) => t.split(name).join(String(value)), text);
  for (const file of files) {
    const built = await bundle(file, config.pins, version, nameCache, letter, updates);
    const code = bake(built.code, "code");
    const min = bake(built.min, "min");
    const storage = setName(file.storage, letter);
    if (forms) {
      writeFileSync(path.join(out, file.name + ".js"), code);
      writeFileSync(path.join(out, file.name + ".min.js"), min);
    }
    // The storage folder holds exactly what `npm run flash` writes, each named as its Storage file:
    // the minified file pretokenised as the espruino CLI does (the simulator runs the .min.js,
    // which tokeniseLines proved to hold the same tokens).
    const stored = tokeniseLines(bake(built.min, "stored"));
    if (file.crc) {
      crcs.code.push([file.crc, crc32(Buffer.from(code, "latin1"))]);
      crcs.min.push([file.crc, crc32(Buffer.from(min, "latin1"))]);
      crcs.stored.push([file.crc, crc32(Buffer.from(stored, "latin1"))]);
    }
    writeFileSync(path.join(dir, storage), stored, "latin1");
    total += stored.length;
    const where = `${label}/${storage}`;
    console.log(
      where.padEnd(32) +
        `${String(stored.length).padStart(6)} bytes` +
        (forms ? `  (build/${file.name}.min.js ${Buffer.byteLength(min)}, unminified ${Buffer.byteLength(code)})` : "")
    );
    const sources = forms
      ? [
          [`build/${file.name}.js`, code],
          [`build/${file.name}.min.js`, min],
          [where, stored]
        ]
      : [[where, stored]];
    for (const [name, source] of sources) {
      const found = checkSource(source);
      violations += found.length;
      if (found.length) console.error(formatViolations(name, found));
    }
  }
  return { total, violations };
}

// --set X --out DIR: only set X's files, into DIR. No option: both layouts.
function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = inline !== undefined ? inline : argv[++i];
    if (flag === "--set" && /^[ab]$/.test(value || "")) opts.set = value;
    else if (flag === "--out" && value) opts.out = path.resolve(value);
    else throw new Error(`bad option: ${flag} ${value === undefined ? "" : value} (known: --set a|b --out DIR)`);
  }
  if (!opts.set !== !opts.out) throw new Error("--set and --out go together");
  return opts;
}

async function build() {
  const opts = parseArgs(process.argv.slice(2));
  rmSync(path.join(out, "tsc"), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], {
    stdio: "inherit"
  });

  delete require.cache[require.resolve(path.join(root, "espruino.config.js"))];
  const config = require(path.join(root, "espruino.config.js"));
  // LIGHTNODE_VERSION stands in for package.json's version (the update's board tests build a newer
  // and an older set than the one flashed).
  const version =
    process.env.LIGHTNODE_VERSION || JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;
  const common = { config, version };
  if (opts.set) {
    rmSync(opts.out, { recursive: true, force: true });
    const set = await buildFiles(FILES, {
      ...common,
      letter: opts.set,
      dir: opts.out,
      label: path.relative(process.cwd(), opts.out) || "."
    });
    console.log(`set ${opts.set}`.padEnd(32) + `${String(set.total).padStart(6)} bytes`);
    if (set.violations) fail(`the Espruino compatibility gate found ${set.violations} problem(s)`);
    return;
  }
  for (const dir of ["storage", "storage-4mb"]) rmSync(path.join(out, dir), { recursive: true, force: true });
  // 1 MB: what the budget counts.
  const small = await buildFiles(
    FILES.filter((f) => !f.setOnly),
    { ...common, letter: "", dir: path.join(out, "storage"), label: "build/storage", forms: true }
  );
  console.log(`all Storage files`.padEnd(32) + `${String(small.total).padStart(6)} bytes  (budget ${SIZE_BUDGET})`);
  // 4 MB: the loader, then set a.
  const dir4 = path.join(out, "storage-4mb");
  const loader = await buildFiles(LOADER_FILES, {
    ...common,
    letter: "",
    updates: true,
    dir: dir4,
    label: "build/storage-4mb"
  });
  const setA = await buildFiles(FILES, { ...common, letter: "a", dir: dir4, label: "build/storage-4mb" });
  console.log(
    `4 MB: loader + set a`.padEnd(32) +
      `${String(loader.total + setA.total).padStart(6)} bytes  (set a ${setA.total}; set b takes as much again when updated)`
  );
  const violations = small.violations + loader.violations + setA.violations;
  if (violations) fail(`the Espruino compatibility gate found ${violations} problem(s)`);
  if (small.total > SIZE_BUDGET)
    fail(`the Storage files are ${small.total - SIZE_BUDGET} bytes over the ${SIZE_BUDGET}-byte budget`);
}

function fail(message) {
  console.error("build: " + message);
  process.exit(1);
}

build().catch((err) => {
  console.error(String(err && err.stack ? err.message : err));
  process.exit(1);
});
