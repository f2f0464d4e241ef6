// The Espruino compatibility gate: proves on the built artifact what the real interpreter would
// reject (shared/espruino.md), since that interpreter is not available here. Parses as ES5 and
// walks the tree. `node scripts/espruino-gate.mjs [file...]` (default: both build outputs) prints
// each violation as file:line:column rule: message, and exits 1 if there is any.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import * as acorn from "acorn";
import * as walk from "acorn-walk";
import { untokenise } from "./pretokenise.mjs";
import { ABSENT_GLOBALS, ABSENT_STATICS, ABSENT_METHODS, NOT_BY_NAME } from "./espruino-absent.mjs";

export const RULES = {
  "es5-syntax": "the file must parse as ES5",
  label: "labelled statements are not supported",
  "use-before-declaration": "Espruino does not hoist: a function is used before its declaration has run",
  "array-prototype": "Array.prototype.X is undefined on Espruino; use [].X.call(...)",
  "prototype-call":
    "X.prototype.method.call/apply is broken on Espruino (Object.prototype.toString, String.prototype.*, Function.prototype.*)",
  "absent-global": "this global does not exist on Espruino",
  "absent-static": "this static member does not exist on Espruino",
  "absent-method": "this method does not exist on Espruino",
  "ts-helper": "TypeScript helper in the output (forbidden: needs hoisting or absent built-ins)",
  "module-interop": "module-interop code in the output",
  regexp: "this RegExp feature is not supported by Espruino",
  "regexp-after-paren":
    "Espruino's lexer reads a / right after ) as a division (jslex.c), so a regex literal there (`for (k in o) /re/.test(k)`) is a SyntaxError on the board",
  "length-assign": "assigning .length throws on Espruino arrays",
  "long-line": `lines must be at most ${512} characters: Espruino reports an error's position by padding its line out to the column, and at boot a long line ran the board out of memory doing so`
};

export const MAX_LINE = 512;

const ABSENT_GLOBAL_SET = new Set(ABSENT_GLOBALS);
// A call's name alone tells a method: every absent method but those Espruino has on another type.
const ABSENT_METHOD_SET = new Set(
  Object.values(ABSENT_METHODS)
    .flat()
    .filter((m) => !NOT_BY_NAME.includes(m))
);
const TS_HELPERS = new Set([
  "__extends",
  "__spreadArray",
  "__spread",
  "__awaiter",
  "__generator",
  "__assign",
  "__rest",
  "__values",
  "__read",
  "__decorate",
  "__param",
  "__metadata",
  "__importDefault",
  "__importStar",
  "__exportStar",
  "__createBinding",
  "__setModuleDefault",
  "__makeTemplateObject",
  "__classPrivateFieldGet",
  "__classPrivateFieldSet",
  "__esDecorate",
  "__runInitializers",
  "__asyncValues",
  "__await",
  "__asyncGenerator"
]);

// ---- helpers --------------------------------------------------------------------------------------

function isName(node, name) {
  return node && node.type === "Identifier" && node.name === name;
}

// `A.b` written with a dot (or a string literal key).
function propName(member) {
  if (!member.computed) return member.property.name;
  return member.property.type === "Literal" && typeof member.property.value === "string" ? member.property.value : null;
}

function isProto(node, owner) {
  return node && node.type === "MemberExpression" && isName(node.object, owner) && propName(node) === "prototype";
}

// Identifiers that are references (not property keys, not declarations' own names).
function isReference(node, parent) {
  if (!parent) return true;
  if (parent.type === "MemberExpression" && parent.property === node && !parent.computed) return false;
  if (parent.type === "Property" && parent.key === node && !parent.computed) return false;
  if ((parent.type === "FunctionDeclaration" || parent.type === "FunctionExpression") && parent.id === node)
    return false;
  if ((parent.type === "FunctionDeclaration" || parent.type === "FunctionExpression") && parent.params.includes(node))
    return false;
  if (parent.type === "VariableDeclarator" && parent.id === node) return false;
  if (parent.type === "CatchClause" && parent.param === node) return false;
  if (parent.type === "LabeledStatement" || parent.type === "BreakStatement" || parent.type === "ContinueStatement")
    return false;
  return true;
}

// Names declared in a function or program body: var, function declarations, params.
function declaredIn(fn) {
  const names = new Set();
  if (fn.params) for (const p of fn.params) names.add(p.name);
  const body = fn.type === "Program" ? fn : fn.body;
  walk.recursive(body, null, {
    Function(node) {
      if (node.type === "FunctionDeclaration" && node.id) names.add(node.id.name);
    },
    VariableDeclarator(node, st, c) {
      names.add(node.id.name);
      if (node.init) c(node.init, st);
    }
  });
  return names;
}

// ---- regular expressions --------------------------------------------------------------------------

// Espruino's RegExp: `.`, classes, \d\w\s, ^$, greedy * and +, groups, top-level |, flags g/i.
function regexProblems(pattern, flags) {
  const problems = [];
  for (const f of flags) if (f !== "g" && f !== "i") problems.push("flag " + f);
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      const next = pattern[i + 1];
      if (!inClass && (next === "b" || next === "B")) problems.push("\\" + next);
      if (!inClass && /[1-9]/.test(next)) problems.push("back-reference");
      i++;
      continue;
    }
    if (inClass) {
      // Espruino's class matcher (jswrap_regexp.c) treats `.` as any character even inside
      // [...], and reads a `-` before `]` as a range that swallows the `]` ("Unfinished
      // character set" at run time).
      if (ch === ".") problems.push("unescaped . inside [...]");
      if (ch === "-" && pattern[i + 1] === "]") problems.push("- before ] inside [...]");
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") inClass = true;
    else if (ch === "?")
      problems.push(pattern[i - 1] === "(" ? "(?" + (pattern[i + 1] || "") + " group" : "? quantifier");
    else if (ch === "{" && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) problems.push("{n,m} quantifier");
  }
  return problems;
}

// ---- use before declaration -------------------------------------------------------------------

// Espruino runs a function declaration's statement in order, so a name declared by a later
// `function f(){}` is unbound until then. Checks, per scope, the code that runs right away
// before each declaration: the statements themselves, immediately invoked function expressions,
// and (transitively) bodies of the scope's earlier functions that this code calls.
function checkHoisting(scopeNode, report) {
  const body = scopeNode.type === "Program" ? scopeNode.body : scopeNode.body.body;
  const declIndex = new Map();
  const decls = new Map();
  body.forEach((stmt, i) => {
    if (stmt.type === "FunctionDeclaration") {
      declIndex.set(stmt.id.name, i);
      decls.set(stmt.id.name, stmt);
    }
  });
  if (declIndex.size) {
    body.forEach((stmt, i) => {
      if (stmt.type === "FunctionDeclaration") return;
      scanImmediate(stmt, i, new Set(), null);
    });
  }

  // Walks code that runs now; `shadow` holds names rebound by enclosing IIFEs.
  function scanImmediate(node, index, shadow, via) {
    const visited = new Set();
    const visit = (n, parent, shadowed, inside = via) => {
      if (!n || typeof n.type !== "string") return;
      if (n.type === "Identifier") {
        if (isReference(n, parent) && !shadowed.has(n.name) && declIndex.has(n.name)) {
          const at = declIndex.get(n.name);
          if (at > index) {
            report(
              "use-before-declaration",
              n,
              `${n.name} is used before \`function ${n.name}\` (declared later in the same scope) has run${inside ? " (inside " + inside + "(), called before that)" : ""}`
            );
          } else if (
            at < index &&
            parent &&
            parent.type === "CallExpression" &&
            parent.callee === n &&
            !visited.has(n.name)
          ) {
            visited.add(n.name);
            const fn = decls.get(n.name);
            const inner = new Set([...shadowed, ...declaredIn(fn)]);
            visit(fn.body, fn, inner, n.name);
          }
        }
        return;
      }
      if (n.type === "FunctionExpression" || n.type === "FunctionDeclaration") {
        const invoked =
          parent && (parent.type === "CallExpression" || parent.type === "NewExpression") && parent.callee === n;
        const invokedViaCall =
          parent &&
          parent.type === "MemberExpression" &&
          parent.object === n &&
          /^(call|apply)$/.test(propName(parent) || "");
        if (!invoked && !invokedViaCall) return;
        const inner = new Set([...shadowed, ...declaredIn(n)]);
        visit(n.body, n, inner, inside);
        return;
      }
      for (const key of Object.keys(n)) {
        if (key === "type" || key === "start" || key === "end" || key === "loc") continue;
        const v = n[key];
        if (Array.isArray(v)) v.forEach((c) => visit(c, n, shadowed, inside));
        else if (v && typeof v.type === "string") visit(v, n, shadowed, inside);
      }
    };
    visit(node, null, shadow);
  }
}

// ---- the gate ---------------------------------------------------------------------------------------

// Returns the violations in `code`: [{rule, message, line, column}].
// Pretokenised files (bytes of 128 and up: the build's are ASCII otherwise) are checked as the
// JavaScript they stand for, their lines as stored.
export function checkSource(code) {
  const violations = [];
  const report = (rule, node, message) => {
    violations.push({
      rule,
      message: message || RULES[rule],
      line: node.loc.start.line,
      column: node.loc.start.column + 1
    });
  };
  code.split("\n").forEach((text, i) => {
    if (text.length > MAX_LINE)
      violations.push({
        rule: "long-line",
        message: `${RULES["long-line"]} (this one has ${text.length})`,
        line: i + 1,
        column: MAX_LINE + 1
      });
  });
  if (/[\x80-\xff]/.test(code)) code = untokenise(code);
  let ast;
  const tokens = [];
  try {
    ast = acorn.parse(code, { ecmaVersion: 5, locations: true, allowReturnOutsideFunction: false, onToken: tokens });
  } catch (err) {
    const loc = err.loc || { line: 0, column: 0 };
    return [
      ...violations,
      {
        rule: "es5-syntax",
        message: RULES["es5-syntax"] + ": " + err.message.replace(/ \(\d+:\d+\)$/, ""),
        line: loc.line,
        column: loc.column + 1
      }
    ];
  }
  const scopes = new WeakMap();
  // Whether `name` is bound by the program or a function enclosing the node (ancestors).
  const bound = (name, ancestors) =>
    ancestors.some((a) => {
      if (a.type !== "Program" && a.type !== "FunctionDeclaration" && a.type !== "FunctionExpression") return false;
      if (!scopes.has(a)) scopes.set(a, declaredIn(a));
      return scopes.get(a).has(name);
    });

  checkHoisting(ast, report);
  walk.ancestor(ast, {
    LabeledStatement(node) {
      report("label", node, `${RULES.label} (\`${node.label.name}:\`)`);
    },
    Function(node) {
      if (node.body && node.body.type === "BlockStatement") checkHoisting(node, report);
      if (node.id && TS_HELPERS.has(node.id.name))
        report("ts-helper", node.id, `${RULES["ts-helper"]}: ${node.id.name}`);
    },
    VariableDeclarator(node) {
      if (TS_HELPERS.has(node.id.name)) report("ts-helper", node.id, `${RULES["ts-helper"]}: ${node.id.name}`);
    },
    Identifier(node, ancestors) {
      const parent = ancestors[ancestors.length - 2];
      if (!isReference(node, parent)) return;
      if (TS_HELPERS.has(node.name) && !(parent && parent.type === "VariableDeclarator")) {
        report("ts-helper", node, `${RULES["ts-helper"]}: ${node.name}`);
      } else if (ABSENT_GLOBAL_SET.has(node.name) && !bound(node.name, ancestors)) {
        report("absent-global", node, `${RULES["absent-global"]}: ${node.name}`);
      }
    },
    MemberExpression(node, ancestors) {
      const name = propName(node);
      if (isProto(node.object, "Array")) {
        report("array-prototype", node, `${RULES["array-prototype"]} (Array.prototype.${name})`);
      } else if (["Object", "String", "Function", "Number", "Boolean"].some((o) => isProto(node.object, o)) && name) {
        const owner = node.object.object.name;
        if (owner === "Object" && name === "toString")
          report("prototype-call", node, `Object.prototype.toString.call returns "" on Espruino`);
        else if (owner === "String" || owner === "Function")
          report("prototype-call", node, `${owner}.prototype.${name} is undefined on Espruino`);
      }
      if (
        node.object.type === "Identifier" &&
        ABSENT_STATICS[node.object.name] &&
        ABSENT_STATICS[node.object.name].includes(name) &&
        !bound(node.object.name, ancestors)
      ) {
        report("absent-static", node, `${RULES["absent-static"]}: ${node.object.name}.${name}`);
      }
    },
    CallExpression(node) {
      const callee = node.callee;
      if (callee.type === "MemberExpression" && ABSENT_METHOD_SET.has(propName(callee))) {
        report("absent-method", callee.property, `${RULES["absent-method"]}: .${propName(callee)}()`);
      }
    },
    AssignmentExpression(node) {
      if (node.left.type === "MemberExpression" && propName(node.left) === "length") report("length-assign", node);
    },
    Literal(node) {
      if (node.regex) {
        for (const p of regexProblems(node.regex.pattern, node.regex.flags))
          report("regexp", node, `${RULES.regexp}: ${p} in /${node.regex.pattern}/${node.regex.flags}`);
      } else if (node.value === "__esModule") {
        report("module-interop", node, `${RULES["module-interop"]} ("__esModule")`);
      }
    }
  });
  tokens.forEach((t, i) => {
    if (t.type.label === "regexp" && i && tokens[i - 1].type.label === ")")
      report("regexp-after-paren", { loc: t.loc }, `${RULES["regexp-after-paren"]}: /${t.value.pattern}/`);
  });
  violations.sort((a, b) => a.line - b.line || a.column - b.column);
  return violations;
}

export function checkFile(file) {
  return checkSource(readFileSync(file, "latin1"));
}

export function formatViolations(file, violations) {
  return violations.map((v) => `${file}:${v.line}:${v.column} ${v.rule}: ${v.message}`).join("\n");
}

// CLI
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const files = process.argv.slice(2).length
    ? process.argv.slice(2)
    : ["build/firmware.js", "build/firmware.min.js"].map((f) => path.join(root, f));
  let bad = 0;
  for (const file of files) {
    const violations = checkFile(file);
    if (violations.length) {
      bad += violations.length;
      console.error(formatViolations(path.relative(process.cwd(), file), violations));
    } else console.log(`espruino-gate: ${path.relative(process.cwd(), file)} ok`);
  }
  if (bad) {
    console.error(`espruino-gate: ${bad} violation(s)`);
    process.exit(1);
  }
}
