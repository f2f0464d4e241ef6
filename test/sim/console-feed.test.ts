// The console feed's masking as a table: pieces of board output in, what the page gets out.
import { strict as assert } from "node:assert";
import { ConsoleFeed } from "../../sim/console-feed";

const SECRET = 'Zq8#v"X!k2w';

const CASES: Array<{ name: string; pieces: string[]; page: string; typed?: string }> = [
  { name: "a secret in one piece", pieces: ["pw " + SECRET + " end\n"], page: "pw *** end\n" },
  {
    name: "a secret split over pieces is held back, then masked",
    pieces: ["pw Zq8#", 'v"X!k', "2w end\n"],
    page: "pw *** end\n"
  },
  { name: "a held start that turns out not to be one is given back", pieces: ["Zq8#", "-no\n"], page: "Zq8#-no\n" },
  { name: "quoted as the console prints a string", pieces: [JSON.stringify("x" + SECRET) + "\n"], page: '"x***"\n' },
  {
    name: "quoted twice: a JSON record shown as a string",
    pieces: [JSON.stringify(JSON.stringify({ password: SECRET })) + "\n"],
    page: JSON.stringify(JSON.stringify({ password: "***" })) + "\n"
  },
  {
    name: "the typed line's words are masked in the error it causes",
    typed: "purple Xyzzy",
    pieces: ["Uncaught SyntaxError: Unexpected identifier 'Xyzzy'\n"],
    page: "…\nUncaught SyntaxError: Unexpected identifier '***'\n"
  },
  {
    name: "a console command shows its name, with its arguments left out",
    typed: 'config({pass:"abc"})',
    pieces: ["saved\n"],
    page: "config(…)\nsaved\n"
  },
  { name: "a command without arguments shows as typed", typed: " status() ", pieces: [], page: "status()\n" }
];

describe("sim: the web page's console feed masks secrets", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const feed = new ConsoleFeed();
      feed.know([SECRET, ""]);
      let page = c.typed !== undefined ? feed.typed(c.typed) : "";
      for (const p of c.pieces) page += feed.printed(p);
      assert.equal(page, c.page);
    });
  }
});
