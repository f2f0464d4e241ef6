// The minified size of one part of the firmware (a folder of src/), measured as it ships: compiled
// with the project's tsconfig, its entry bundled alone by Rollup (imports from other folders left
// out), minified with the build's own options (scripts/minify-options.mjs).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import path from "node:path";
import { rollup } from "rollup";
import { minify } from "terser";
// @ts-ignore: plain ES module shared with scripts/build.mjs
import { MINIFY_OPTIONS } from "../scripts/minify-options.mjs";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(__dirname, "..");

// `entry` relative to src/ without extension, e.g. "mqtt/client"; its folder is the part.
export async function minifiedPart(entry: string): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), "lightnode-part-"));
  const part = path.join(dir, path.dirname(entry));
  try {
    execFileSync(
      process.execPath,
      [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "tsconfig.json"), "--outDir", dir],
      { stdio: "inherit" }
    );
    const bundle = await rollup({
      input: path.join(dir, entry + ".js"),
      external: (id, importer) => !!importer && !path.resolve(path.dirname(importer), id).startsWith(part),
      onwarn: () => {}
    });
    const { output } = await bundle.generate({
      format: "iife",
      name: "part",
      strict: false,
      globals: (id) => id.replace(/\W/g, "_")
    });
    await bundle.close();
    const min = await minify(output[0].code, MINIFY_OPTIONS);
    return Buffer.byteLength(min.code as string);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
