// Command-line flags of the simulator's programs (`npm start`, `npm run remote`): `--flag value`
// or `--flag=value`; `valued` flags take a value, `booleans` none. Throws with the usage on a bad
// one; an unknown flag is named as such (with the known one it is closest to), before any value.
export function parseFlags(
  argv: string[],
  usage: string,
  valued: string[],
  booleans: string[] = []
): { [flag: string]: string | true } {
  const out: { [flag: string]: string | true } = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    if (flag === "--help" || flag === "-h") {
      console.log(usage);
      process.exit(0);
    }
    if (valued.indexOf(flag) < 0 && booleans.indexOf(flag) < 0) {
      const near = closest(flag, valued.concat(booleans));
      throw new Error(`unknown option ${argv[i]}${near ? ` (did you mean ${near}?)` : ""}\n${usage}`);
    }
    if (booleans.indexOf(flag) >= 0) {
      if (inline !== undefined) throw new Error(`${flag} takes no value\n${usage}`);
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

// The known flag within two edits of a mistyped one (--verbos, --brokr), if any.
function closest(flag: string, known: string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const k of known) {
    const d = distance(flag, k);
    if (d < bestDistance) ((best = k), (bestDistance = d));
  }
  return best;
}

// Levenshtein distance.
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
