// Prints the minified size of each part of the firmware (each src/ file compiled to ES5 and
// minified on its own, so figures are approximate: imports/exports add a few bytes per file),
// summed per folder, next to the real size of build/firmware.min.js. Minified with the build's own
// options (scripts/minify-options.mjs).
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync, existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import path from "node:path";
import { minify } from "terser";
import { MINIFY_OPTIONS } from "./minify-options.mjs";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(tmpdir(), "lightnode-size-" + process.pid);

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".js") ? [p] : [];
  });
}

execFileSync(
  process.execPath,
  [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json"), "--outDir", out],
  { stdio: "inherit" }
);
const parts = {};
// A *.table.js module ships only as the values it exports (the build bakes them: build.mjs).
for (const file of walk(out).filter((f) => !f.endsWith(".table.js"))) {
  const code = readFileSync(file, "utf8");
  // Each file is an ES module here; otherwise minified exactly as the build does.
  const min = await minify(code, { ...MINIFY_OPTIONS, module: true });
  const rel = path.relative(out, file);
  const folder = rel.includes(path.sep) ? rel.split(path.sep)[0] : rel;
  parts[folder] = (parts[folder] || 0) + min.code.length;
  if (process.argv.includes("--files")) console.log(String(min.code.length).padStart(6), rel);
}
rmSync(out, { recursive: true, force: true });
for (const [k, v] of Object.entries(parts).sort((a, b) => b[1] - a[1])) console.log(String(v).padStart(6), k);
const built = path.join(root, "build", "firmware.min.js");
if (existsSync(built)) console.log(String(statSync(built).size).padStart(6), "build/firmware.min.js (whole bundle)");
// Both layouts as the last build wrote them: 1 MB (the budget) and 4 MB (the loader and set a).
for (const layout of ["storage", "storage-4mb"]) {
  const dir = path.join(root, "build", layout);
  if (!existsSync(dir)) continue;
  const files = readdirSync(dir);
  const bytes = files.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
  console.log(String(bytes).padStart(6), `build/${layout}/ (${files.sort().join(", ")})`);
}
