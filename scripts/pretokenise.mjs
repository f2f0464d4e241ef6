// Espruino's pretokeniser, as the espruino CLI applies it before writing code to Storage: reserved
// words and operators become one byte each, strings and integers raw length-prefixed bytes. The
// interpreter reads such code as it is; flash space and parse time shrink. The CLI's own plugin
// (node_modules/espruino/plugins/pretokenise.js) does the work; it expects the CLI's globals,
// given here. `untokenise` turns such a file back into JavaScript (the simulator runs that).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";

const require = createRequire(import.meta.url);
const PLUGIN = require.resolve("espruino/plugins/pretokenise.js");

function load() {
  const Espruino = {
    Plugins: {},
    // Auto mode for a board of 2v25: reserved words, operators and strings, not integers (the
    // plugin's untokenise reads a negative one back as unsigned, and they save little).
    Config: { PRETOKENISE: 1 },
    Core: {
      Config: { add() {} },
      Env: { getBoardData: () => ({ VERSION: "2v25" }) },
      Utils: { toJSONishString: (s) => JSON.stringify(s) }
    },
    addProcessor() {}
  };
  const context = vm.createContext({ Espruino, acorn: require("acorn"), console, String, Math });
  vm.runInContext(readFileSync(PLUGIN, "utf8"), context, { filename: PLUGIN });
  return Espruino.Plugins.Pretokenise;
}

const plugin = load();
export const tokenise = (code) => plugin.tokenise(code);
export const untokenise = (code) => plugin.untokenise(code);

// Tokenises line by line, so the file keeps the minifier's short lines (the plugin joins every
// line inside brackets, and the whole firmware is inside one function). Throws unless each line
// untokenises to the same tokens as it had: the file then means exactly what the minifier wrote.
export function tokeniseLines(code) {
  return code
    .split("\n")
    .map((line, i) => {
      const out = tokenise(line);
      if (tokens(untokenise(out)) !== tokens(line)) throw new Error(`pretokenise: line ${i + 1} does not round-trip`);
      return out;
    })
    .join("\n");
}

function tokens(js) {
  const list = [];
  for (const t of require("acorn").tokenizer(js, { ecmaVersion: 5 }))
    list.push(t.type.label + ":" + (t.value === undefined ? js.slice(t.start, t.end) : String(t.value)));
  return list.join(" ");
}
