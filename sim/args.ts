// Command-line flags of the simulator's programs (`npm start`, `npm run remote`): `--flag value`
// or `--flag=value`; a flag in `booleans` takes no value. Throws with the usage on a bad one.
export function parseFlags(argv: string[], usage: string, booleans: string[] = []): { [flag: string]: string | true } {
  const out: { [flag: string]: string | true } = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    if (flag === "--help" || flag === "-h") {
      console.log(usage);
      process.exit(0);
    }
    if (!/^--[a-z-]+$/.test(flag)) throw new Error(`unknown option ${argv[i]}\n${usage}`);
    if (booleans.indexOf(flag) >= 0) {
      out[flag] = true;
      continue;
    }
    const v = inline !== undefined ? inline : argv[++i];
    if (v === undefined) throw new Error(`${flag} needs a value\n${usage}`);
    out[flag] = v;
  }
  return out;
}

// A TCP port number from a flag (0 = any free port).
export function portFlag(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new Error(`${flag} ${v}: a port number (0-65535)`);
  return n;
}
