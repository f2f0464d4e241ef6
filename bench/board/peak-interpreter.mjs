// Builds the board-shaped interpreters (../shared/espruino/build.sh) with one addition, for
// measuring: `process.memory().peak`, the most variables in use (counted after a garbage
// collection, so only what was reachable) since the last `process.memory(2)`, which starts a new
// count (the firmware's own process.memory() calls, for <base>/info, leave it alone). Like `usage`,
// it leaves out the console's input history as it is when read (the interpreter frees that before
// it runs out of memory). A filler
// (test/board/peaks.board.ts) proves a peak fits; this tells each scenario's own figure, which the
// bench prints when the interpreter has it. Usage: node bench/board/peak-interpreter.mjs OUTDIR
// (ESPRUINO_SOURCE: the folder of build.sh and the source tarball, default ../shared/espruino).
// The patch is applied to a copy of the source at build time; nothing of Espruino is kept here.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, "..", "..");
const source = path.resolve(process.env.ESPRUINO_SOURCE || path.join(root, "..", "shared", "espruino"));
const out = process.argv[2];

function edit(file, anchor, replacement) {
  const text = readFileSync(file, "utf8");
  if (!text.includes(anchor)) throw new Error(`peak-interpreter: ${path.basename(file)} no longer has: ${anchor}`);
  writeFileSync(file, text.replace(anchor, replacement));
}

// Run by the copied build.sh on the unpacked source (argument: its folder).
export function patch(src) {
  const jsvar = path.join(src, "src", "jsvar.c");
  // Counted on each allocation; a garbage collection only when the count passes the peak so far,
  // so that garbage not yet collected (cycles) is not counted.
  edit(
    jsvar,
    "JsVar *jsvNewWithFlags(JsVarFlags flags) {",
    `unsigned int jsvPeakUsage = 0;
int jsvGarbageCollect();
static unsigned int jsvPeakCount() { unsigned int f = 0; JsVarRef r = jsVarFirstEmpty; while (r) { f++; r = jsvGetNextSibling(jsvGetAddressOf(r)); } return jsVarsSize - f; }
void jsvNotePeak() { unsigned int u = jsvPeakCount(); if (u > jsvPeakUsage) { jsvGarbageCollect(); u = jsvPeakCount(); if (u > jsvPeakUsage) jsvPeakUsage = u; } }
JsVar *jsvNewWithFlags(JsVarFlags flags) {`
  );
  edit(
    jsvar,
    "    jsvResetVariable(v, flags); // setup variable, and add one lock\n",
    "    jsvResetVariable(v, flags); // setup variable, and add one lock\n    jsvNotePeak();\n"
  );
  edit(jsvar, "  if (!flatString) return 0;\n", "  if (!flatString) return 0;\n  jsvNotePeak();\n");
  edit(
    path.join(src, "src", "jswrap_process.c"),
    '    jsvObjectSetIntChild(obj, "history", (JsVarInt)history);',
    `    jsvObjectSetIntChild(obj, "history", (JsVarInt)history);
    { extern unsigned int jsvPeakUsage; jsvObjectSetIntChild(obj, "peak", (JsVarInt)jsvPeakUsage - (JsVarInt)history); if (jsvIsInt(gc) && jsvGetInteger(gc) == 2) jsvPeakUsage = jsvGetMemoryUsage(); }`
  );
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  if (process.argv[2] === "--patch") patch(process.argv[3]);
  else {
    if (!out) throw new Error("usage: node bench/board/peak-interpreter.mjs OUTDIR");
    const work = mkdtempSync(path.join(tmpdir(), "peak-interpreter-"));
    try {
      for (const f of readdirSync(source))
        if (/\.(sh|c|tar\.gz)$/.test(f)) copyFileSync(path.join(source, f), path.join(work, f));
      const script = path.join(work, "build.sh");
      let text = readFileSync(script, "utf8");
      const unpack = '( cd "$src" && git init -q';
      if (!text.includes(unpack)) throw new Error("peak-interpreter: build.sh no longer unpacks as expected");
      text = text.replace(unpack, `node "${path.join(here, "peak-interpreter.mjs")}" --patch "$src"\n${unpack}`);
      // Always build (the stamp would say an unpatched build is current).
      text = text.replace('if [ -f "$stamp" ]', "if false");
      writeFileSync(script, text);
      execFileSync("bash", [script, path.resolve(out)], { stdio: "inherit" });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
