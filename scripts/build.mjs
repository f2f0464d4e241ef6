// Builds the one file that is flashed: type-check and emit ES5 with the pinned TypeScript 5,
// bundle with Rollup (Espruino's built-in modules stay plain require() calls), then minify with
// terser at ecma 5. Fails when build/firmware.min.js is over the size budget.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { rollup } from "rollup";
import { minify } from "terser";
import { checkSource, formatViolations } from "./espruino-gate.mjs";
import { MINIFY_OPTIONS } from "./minify-options.mjs";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "build");
export const SIZE_BUDGET = 12 * 1024;
const BUILTIN_MODULES = ["Wifi", "Storage", "net", "TelnetServer", "ESP8266"];
// Replaces the __BOARD__ and __VERSION__ placeholders with the board profile and package version.
function bakeConstants(board, version) {
  return {
    name: "bake-constants",
    transform(code) {
      if (!code.includes("__BOARD__") && !code.includes("__VERSION__")) return null;
      return {
        code: code.replace(/__BOARD__/g, JSON.stringify(board)).replace(/__VERSION__/g, JSON.stringify(version)),
        map: null
      };
    }
  };
}

async function build() {
  rmSync(path.join(out, "tsc"), { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], {
    stdio: "inherit"
  });

  delete require.cache[require.resolve(path.join(root, "espruino.config.js"))];
  const config = require(path.join(root, "espruino.config.js"));
  const version = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;
  const bundle = await rollup({
    input: path.join(out, "tsc", "main.js"),
    external: BUILTIN_MODULES,
    plugins: [bakeConstants(config.pins, version)],
    onwarn(warning) {
      throw new Error("rollup: " + warning.message);
    }
  });
  const { output } = await bundle.generate({ format: "iife", strict: false });
  await bundle.close();
  const code = output[0].code;
  if (/^\s*(import|export)\s/m.test(code)) throw new Error("bundle still has import/export statements");
  writeFileSync(path.join(out, "firmware.js"), code);

  const min = await minify(code, MINIFY_OPTIONS);
  writeFileSync(path.join(out, "firmware.min.js"), min.code);

  const full = Buffer.byteLength(code);
  const small = Buffer.byteLength(min.code);
  console.log(`build/firmware.js      ${full} bytes`);
  console.log(`build/firmware.min.js  ${small} bytes (budget ${SIZE_BUDGET})`);
  let violations = 0;
  for (const [file, source] of [["build/firmware.js", code], ["build/firmware.min.js", min.code]]) {
    const found = checkSource(source);
    violations += found.length;
    if (found.length) console.error(formatViolations(file, found));
  }
  if (violations) {
    console.error(`build: the Espruino compatibility gate found ${violations} problem(s)`);
    process.exit(1);
  }
  if (small > SIZE_BUDGET) {
    console.error(`build: firmware.min.js is ${small - SIZE_BUDGET} bytes over the ${SIZE_BUDGET}-byte budget`);
    process.exit(1);
  }
}

build().catch((err) => {
  console.error(String(err && err.stack ? err.message : err));
  process.exit(1);
});
