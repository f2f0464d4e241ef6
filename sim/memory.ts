// An ESTIMATE of Espruino's variable count (process.memory().usage, E.getSizeOf), from the
// objects reachable from a root, including what closures capture (read through the V8
// inspector's [[Scopes]]). Espruino's real cost differs: one variable per object, per property
// name, per non-tiny value, per 8 characters of string (32-bit, as the ESP8266). Functions are
// counted as run from flash, as our firmware is: the function, its code's name and flash string,
// its scope link, one name per parameter. test/board/sim-memory.board.ts holds the firmware's figures
// within 10% of the real interpreter's on the 4 MB board shape.
import { Session } from "node:inspector";

// The interpreter's own objects (Serial1, E, pins, modules) after boot: on the board, the
// interpreter and the ESP8266 modules (the bench measured 48 + 123 on Linux, with a fake ESP8266).
export const BASELINE = 180;

let session: Session | null = null;

function inspector(): Session {
  if (!session) {
    session = new Session();
    session.connect();
  }
  return session;
}

function post(method: string, params: any): any {
  let result: any;
  let error: any;
  inspector().post(method, params, (err, res) => {
    error = err;
    result = res;
  });
  if (error) throw error;
  return result;
}

const HANDLE = "__simMemoryProbe";

// The variables closed over by `fn`, as values (undefined when the inspector cannot tell).
function closureValues(fn: Function): Array<{ name: string; value: any }> {
  const values: Array<{ name: string; value: any }> = [];
  try {
    (globalThis as any)[HANDLE] = fn;
    const { result } = post("Runtime.evaluate", { expression: "globalThis." + HANDLE, objectGroup: "sim-mem" });
    const props = post("Runtime.getProperties", { objectId: result.objectId, ownProperties: true });
    const scopes = (props.internalProperties || []).find((p: any) => p.name === "[[Scopes]]");
    if (scopes && scopes.value && scopes.value.objectId) {
      const list = post("Runtime.getProperties", { objectId: scopes.value.objectId, ownProperties: true });
      for (const scope of list.result || []) {
        if (!scope.value || !scope.value.objectId || /Global/.test(scope.value.description || "")) continue;
        const vars = post("Runtime.getProperties", { objectId: scope.value.objectId, ownProperties: true });
        for (const v of vars.result || []) {
          if (!v.value) continue;
          if (v.value.objectId) {
            (globalThis as any)[HANDLE] = undefined;
            post("Runtime.callFunctionOn", {
              objectId: v.value.objectId,
              functionDeclaration: "function(){ globalThis." + HANDLE + " = this; }"
            });
            values.push({ name: v.name, value: (globalThis as any)[HANDLE] });
          } else values.push({ name: v.name, value: v.value.value });
        }
      }
    }
  } catch {
    // The inspector is unavailable (e.g. another debugger attached): closures go uncounted.
  } finally {
    delete (globalThis as any)[HANDLE];
    try {
      post("Runtime.releaseObjectGroup", { objectGroup: "sim-mem" });
    } catch {}
  }
  return values;
}

// A string of more than 4 characters, as the board (32-bit variables) stores it: a variable for
// its first 4 characters and one per 8 more, and, as a property name, one more for the name (an
// over-count kept on purpose: it makes up for what the estimate cannot see, such as sockets;
// test/board/sim-memory.board.ts holds the sum to the board's figures).
function stringCost(s: string): number {
  return s.length <= 4 ? 0 : 1 + Math.ceil((s.length - 4) / 8);
}

export interface EstimateOptions {
  // Firmware functions have this prototype; others (the simulator's own) are built-ins: not walked.
  functionProto?: any;
  // Own properties of `root` that are built-ins (the simulator's globals).
  skip?: Set<string>;
  timers?: number;
}

// Variables used by everything reachable from `root`, plus pending timers.
export function estimateVariables(root: any, options: EstimateOptions = {}): number {
  const seen = new Set<any>();
  // Functions share their enclosing scopes: count each captured variable once.
  const slots = new Set<string>();
  let count = 0;
  const visit = (v: any): void => {
    if (typeof v === "string") {
      count += stringCost(v);
      return;
    }
    if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v)) return;
    seen.add(v);
    count += 1;
    if (typeof v === "function" && options.functionProto && Object.getPrototypeOf(v) !== options.functionProto) return;
    if (typeof v === "function") {
      // Its code (a name and a flash string), its link to the scope, one name per parameter.
      count += 3 + v.length;
      for (const c of closureValues(v)) {
        const isRef = c.value !== null && (typeof c.value === "object" || typeof c.value === "function");
        if (isRef ? seen.has(c.value) : slots.has(c.name + "\0" + String(c.value))) continue;
        if (!isRef) slots.add(c.name + "\0" + String(c.value));
        count += 1;
        visit(c.value);
      }
    }
    let keys: string[] = [];
    try {
      keys = Object.keys(v);
    } catch {}
    for (const k of keys) {
      if (v === root && options.skip && options.skip.has(k)) continue;
      count += 1 + stringCost(k);
      let value: any;
      try {
        value = v[k];
      } catch {}
      visit(value);
    }
  };
  visit(root);
  return (root && root.global === root ? BASELINE : 0) + count + (options.timers || 0) * 4;
}
