// Ambient types for the Espruino APIs the firmware uses that @types/espruino lacks or gets wrong.
declare namespace E {
  function CRC32(data: string): number;
  // The bytes of an ArrayBuffer (what require("crypto").SHA1 returns) as an 8-bit string.
  function toString(data: any): string;
  // Moves variables so that free ones are contiguous (flat strings, ArrayBuffers need runs).
  var defrag: (() => void) | undefined;
  function setConsole(device: any, options?: any): void;
  function on(event: "init" | "kill", callback: () => void): void;
}
declare function require(name: string): any;
declare var process: { memory(): { free: number; usage: number; total: number }; version: string };
// Replaced at build time by scripts/build.mjs.
declare const __BOARD__: import("../ports").BoardProfile;
declare const __VERSION__: string;
// The CRC-32 (E.CRC32) of the console's and the connection's Storage files as this build wrote
// them, put in by scripts/build.mjs after minifying.
declare const __CRC_CON__: number;
declare const __CRC_NET__: number;
// Timers (missing from @types/espruino); Espruino returns numbers.
// Espruino passes any further arguments to the callback, as Node does.
declare function setTimeout(callback: (...args: any[]) => void, ms: number, ...args: any[]): number;
// A string instead of a function is evaluated at the top level when the timer fires.
declare function setTimeout(code: string, ms: number): number;
declare function setInterval(callback: () => void, ms: number): number;
// With no argument they clear every timer (and interval) or watch; an explicit undefined throws.
declare function clearTimeout(): void;
declare function clearWatch(): void;
// Present on Espruino (shared/espruino.md), missing from the ES5 lib.
interface ObjectConstructor {
  assign(target: any, ...sources: any[]): any;
}
// Espruino's pin functions take a pin's name ("D12") as well as a Pin object.
declare function digitalWrite(pin: string, value: boolean): void;
declare function digitalRead(pin: string): number;
declare function pinMode(pin: string, mode: "input" | "input_pullup" | "output"): void;
declare function setWatch(
  listener: (e: { state: boolean }) => void,
  pin: string,
  options: { repeat: boolean; edge: "both"; debounce: number }
): number;
