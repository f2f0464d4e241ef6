// The Espruino compatibility gate: passes on our bundle, fails on one bad bundle per rule.
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
// @ts-ignore: plain ES module without types
import { checkSource, checkFile, RULES } from "../../scripts/espruino-gate.mjs";
// @ts-ignore: plain ES module without types
import { ABSENT_GLOBALS, ABSENT_STATICS, ABSENT_METHODS, NOT_BY_NAME } from "../../scripts/espruino-absent.mjs";

// Every file the build writes, and what is flashed (pretokenised, in build/storage/).
const BUILT = [
  "build/firmware.js",
  "build/firmware.min.js",
  "build/console.js",
  "build/console.min.js",
  "build/net.js",
  "build/net.min.js",
  "build/storage/.bootcde",
  "build/storage/lightnode.con",
  "build/storage/lightnode.net",
  ...readdirSync("build/storage-4mb").map((name) => "build/storage-4mb/" + name)
];

// A bundle shaped like ours (Rollup iife) with `body` inside.
function bundle(body: string): string {
  return "(function () {\n" + body + "\n})();\n";
}

function rules(code: string): string[] {
  return checkSource(code).map((v: any) => v.rule);
}

// One deliberately non-Espruino bundle per rule, and the rule it must trip.
const BAD: Array<[string, string, string]> = [
  ["es5-syntax", "ES2015 syntax (arrow function)", "var f = (a) => a;"],
  ["es5-syntax", "ES2015 syntax (let / template)", "let x = `t`;"],
  ["label", "labelled loop", "outer: for (var i = 0; i < 2; i++) { break outer; }"],
  // Seen on the board: config() ran out as `Got '^' expected EOF` (the minifier wrote this shape).
  [
    "regexp-after-paren",
    "a regex literal right after a loop's head",
    "for (var k in o) /^pass/.test(k) && (o[k] = 1);"
  ],
  ["use-before-declaration", "call before the declaration ran", "start();\nfunction start() {}"],
  [
    "use-before-declaration",
    "TypeScript __extends pattern",
    "var D = (function (_super) { __extends(D, _super); function D() {} return D; })(Object);"
  ],
  ["use-before-declaration", "call through an earlier function", "function a() { b(); }\na();\nfunction b() {}"],
  ["use-before-declaration", "inside a function body", "function outer() { inner(); function inner() {} }\nouter();"],
  ["array-prototype", "Array.prototype.slice", "var s = Array.prototype.slice.call(arguments);"],
  ["prototype-call", "Object.prototype.toString.call", "var t = Object.prototype.toString.call([]);"],
  ["prototype-call", "String.prototype.charCodeAt.call", "var c = String.prototype.charCodeAt.call('a', 0);"],
  ["absent-global", "Map", "var m = new Map();"],
  ["absent-global", "Symbol", "var s = Symbol('x');"],
  ["absent-global", "Reflect", "var k = Reflect.ownKeys({});"],
  ["absent-global", "RangeError", "throw new RangeError('x');"],
  ["absent-static", "Object.freeze", "var o = Object.freeze({});"],
  ["absent-static", "Array.from", "var a = Array.from('ab');"],
  ["absent-static", "Number.isInteger", "var i = Number.isInteger(1);"],
  ["absent-static", "Math.trunc", "var t = Math.trunc(1.5);"],
  ["absent-method", ".trimStart()", "var s = ' a'.trimStart();"],
  ["absent-method", ".search()", "var i = 'abc'.search('b');"],
  ["ts-helper", "__assign", "var __assign = function () {}; var o = __assign({}, {});"],
  ["ts-helper", "__spreadArray", "var a = __spreadArray([], [1], false);"],
  [
    "module-interop",
    "__esModule marker",
    "var exports = {}; Object.defineProperty(exports, '__esModule', { value: true });"
  ],
  ["regexp", "? quantifier", "var r = /ab?c/;"],
  ["regexp", "\\b and {n,m}", "var r = /\\bx{2,3}/;"],
  ["regexp", ". inside a class (any character on Espruino)", "var r = /[a-z.]/;"],
  ["regexp", "- before ] (swallows the ])", "var r = /[a-z_-]/;"],
  ["length-assign", "arr.length = n", "var a = [1, 2]; a.length = 0;"],
  // A 20 KB one-line file ending in an error ran the 1,600-variable build out of memory while
  // printing the error's position at boot (issue 9).
  ["long-line", "a 20 KB line", "var x = [" + "1,".repeat(10000) + "1]; null.x;"]
];

describe("gate: Espruino compatibility", () => {
  for (const file of BUILT) {
    it(`passes on ${file}`, () => {
      assert.ok(existsSync(file), `${file} is missing: run npm run build first`);
      const violations = checkFile(file);
      assert.deepEqual(
        violations,
        [],
        violations.map((v: any) => `${file}:${v.line}:${v.column} ${v.rule}: ${v.message}`).join("\n")
      );
    });
  }

  // The simulator untokenises the unminified bundle (comments kept), where a char over 0x7e reads
  // as one of the pretokeniser's codes ("Unexpected pretokenised string code").
  it("keeps src/ ASCII, comments included", () => {
    const files = readdirSync("src", { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".ts"));
    for (const f of files) assert.doesNotMatch(readFileSync("src/" + f, "utf8"), /[^\x00-\x7e]/, "src/" + f);
  });

  it("keeps the Storage files together within the 12 KB budget of scripts/build.mjs", () => {
    const m = /SIZE_BUDGET = (\d+) \* 1024/.exec(readFileSync("scripts/build.mjs", "utf8"));
    assert.ok(m, "SIZE_BUDGET not found in scripts/build.mjs");
    const budget = Number(m![1]) * 1024;
    assert.equal(budget, 12 * 1024);
    const size = readdirSync("build/storage").reduce((n, f) => n + statSync("build/storage/" + f).size, 0);
    assert.ok(size <= budget, `the Storage files are ${size} bytes, over the ${budget}-byte budget`);
  });

  it("checks a pretokenised file as the JavaScript it stands for, and its stored lines", () => {
    const code = readFileSync("build/storage/.bootcde", "latin1");
    assert.ok(/[\x80-\xff]/.test(code), "the boot code is pretokenised");
    assert.ok(code.split("\n").length > 20, "it keeps short lines");
    assert.deepEqual(rules(code + "\n[].x=Map;\n"), ["absent-global"]);
  });

  for (const [rule, what, body] of BAD) {
    it(`fails a bundle with ${what} (${rule})`, () => {
      const found = checkSource(bundle(body));
      assert.ok(
        found.some((v: any) => v.rule === rule),
        `expected ${rule}, got ${JSON.stringify(found)}`
      );
      for (const v of found) {
        assert.ok(v.line >= 1 && v.column >= 1, "each violation has a line and column");
        assert.ok(v.message.length > 10);
      }
    });
  }

  // The list the simulator's realm deletes too: every entry must fail the gate.
  for (const name of ABSENT_GLOBALS as string[]) {
    it(`flags the absent global ${name}`, () => {
      assert.deepEqual(rules(bundle(`var x = ${name};`)), ["absent-global"]);
    });
  }
  for (const [owner, names] of Object.entries(ABSENT_STATICS as { [k: string]: string[] })) {
    it(`flags the absent statics of ${owner}: ${names.join(", ")}`, () => {
      for (const name of names)
        assert.deepEqual(rules(bundle(`var x = ${owner}.${name};`)), ["absent-static"], `${owner}.${name}`);
    });
  }
  for (const [owner, names] of Object.entries(ABSENT_METHODS as { [k: string]: string[] })) {
    it(`flags the absent methods of ${owner} by name, except those Espruino has elsewhere`, () => {
      for (const name of names) {
        const expected = (NOT_BY_NAME as string[]).includes(name) ? [] : ["absent-method"];
        assert.deepEqual(rules(bundle(`var x = y.${name}(1);`)), expected, `${owner}.${name}`);
      }
    });
  }

  it("covers every rule it declares with a failing bundle", () => {
    assert.deepEqual([...new Set(BAD.map((b) => b[0]))].sort(), Object.keys(RULES).sort());
  });

  it("reports line and column of the offending code", () => {
    const [v] = checkSource("var a = 1;\nvar m =  new Map();\n");
    assert.deepEqual([v.rule, v.line, v.column], ["absent-global", 2, 14]);
  });

  it("accepts what Espruino runs", () => {
    const ok = bundle(
      [
        "function later() { return 1; }",
        "var s = [].slice.call(arguments);",
        "setTimeout(function () { afterwards(); }, 10);",
        "function afterwards() {}",
        "var obj = { search: 1, freeze: 2 }; obj.length = 3 - 3 + obj.search;",
        "(function () { var Map = {}; return Map; })();",
        "var r = /^[a-z0-9_]+$/i;",
        "var p = new Promise(function (res) { res(later()); });",
        "var t = Object.keys({}).length + [1, 2].indexOf(2);",
        "label = 1;"
      ].join("\n")
    );
    const found = checkSource(ok).filter((v: any) => v.rule !== "length-assign");
    assert.deepEqual(found, []);
    assert.deepEqual(rules(ok), ["length-assign"]);
  });
});
