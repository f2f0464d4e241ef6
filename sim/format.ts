// Values printed the way Espruino's console prints them: the REPL's `=value` and
// print()/console.log() of non-strings: `{ a: 1, "b-c": "x" }`, `[ 1, 2 ]`, `"str"` inside.

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatValue(v: any, depth = 0): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "function") return "function () { [code] }";
  if (depth > 4) return "...";
  if (isPin(v)) return String(v);
  if (Array.isArray(v)) return v.length ? "[ " + v.map((x) => formatValue(x, depth + 1)).join(", ") + " ]" : "[ ]";
  if (isError(v)) return formatError(v);
  const keys = Object.keys(v);
  if (!keys.length) return "{ }";
  return (
    "{ " +
    keys.map((k) => (IDENT.test(k) ? k : JSON.stringify(k)) + ": " + formatValue(v[k], depth + 1)).join(", ") +
    " }"
  );
}

// print()'s argument list: strings raw, everything else formatted, joined by spaces.
export function formatArgs(args: any[]): string {
  return args.map((a) => (typeof a === "string" ? a : formatValue(a))).join(" ");
}

function isError(v: any): boolean {
  return v && typeof v === "object" && typeof v.message === "string" && typeof v.stack === "string";
}

function isPin(v: any): boolean {
  return v && typeof v === "object" && typeof v.getInfo === "function" && typeof v.toggle === "function";
}

// `Error: msg`, as the board shows a thrown error (a thrown string shows quoted).
export function formatError(err: any): string {
  if (err && typeof err === "object" && typeof err.message === "string") {
    const type = err.constructor && err.constructor.name ? err.constructor.name : "Error";
    return type + ": " + err.message;
  }
  return formatValue(err);
}
