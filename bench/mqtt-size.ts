// Measures the MQTT client (codec + framer + session) as the firmware build would ship it:
// TypeScript to ES5, Rollup bundle of src/mqtt/client.ts alone, terser at ecma 5 with the build's
// options (scripts/build.mjs), ASCII-only output included.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import path from "node:path";
import { rollup } from "rollup";
import { minify } from "terser";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(__dirname, "..");

export async function minifiedClient(): Promise<{ bytes: number; code: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "mqtt-size-"));
  try {
    execFileSync(process.execPath, [
      require.resolve("typescript/bin/tsc"),
      "--target", "ES5", "--module", "ES2015", "--moduleResolution", "node", "--lib", "es5",
      "--types", "espruino", "--strict", "--removeComments", "--skipLibCheck",
      "--rootDir", path.join(ROOT, "src"), "--outDir", dir,
      path.join(ROOT, "src/mqtt/client.ts"), path.join(ROOT, "src/types/espruino-extra.d.ts")
    ], { stdio: "inherit" });
    const bundle = await rollup({ input: path.join(dir, "mqtt", "client.js"), onwarn: (w) => { throw new Error(w.message); } });
    const { output } = await bundle.generate({ format: "iife", name: "mqtt", strict: false });
    await bundle.close();
    const min = await minify(output[0].code, {
      ecma: 5,
      toplevel: false,
      compress: { passes: 2, ecma: 5, unsafe_arrows: false },
      mangle: true,
      format: { ecma: 5, comments: false, ascii_only: true }
    });
    return { bytes: Buffer.byteLength(min.code as string), code: min.code as string };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
