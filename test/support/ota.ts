// The update's host side for the simulator's tests: `npm run ota` (scripts/ota.mjs) as a child
// process, and sets built as a given version (scripts/build.mjs --set X --out DIR).
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";

export interface OtaRun {
  exit: Promise<{ code: number; out: string }>;
  kill(): void;
}

// Runs the host tool against `brokerUrl` with `args`; `version` is the version it signs (the
// LIGHTNODE_VERSION a set given with --dir was built as).
export function runOta(brokerUrl: string, args: string[], version?: string): OtaRun {
  const child = spawn(process.execPath, ["scripts/ota.mjs", "--broker", brokerUrl, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: version ? { ...process.env, LIGHTNODE_VERSION: version } : process.env
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return {
    exit: new Promise((resolve) => child.on("exit", (code) => resolve({ code: code === null ? -1 : code, out }))),
    kill: () => child.kill("SIGKILL")
  };
}

// Set `set` built as `version` into `dir`/<set><version>; returns that folder.
export function buildSet(dir: string, set: "a" | "b", version: string): string {
  const out = path.join(dir, set + version);
  execFileSync(process.execPath, ["scripts/build.mjs", "--set", set, "--out", out], {
    stdio: "ignore",
    env: { ...process.env, LIGHTNODE_VERSION: version }
  });
  return out;
}
