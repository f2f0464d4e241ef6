// Pins of the same shape as the port, for unit tests of the light's logic: every call is logged in
// order ("mode D12 output", "write D12 1"), and set() plays the debounced level a watch reports.
import { Pins } from "../../src/ports";

export class FakePins implements Pins {
  log: string[] = [];
  levels: { [pin: string]: boolean } = {};
  modes: { [pin: string]: string } = {};
  watches: { pin: string; debounce: number; listener: (level: boolean) => void }[] = [];

  write(pin: string, value: boolean) {
    this.levels[pin] = value;
    this.log.push(`write ${pin} ${value ? 1 : 0}`);
  }
  read(pin: string) {
    return this.levels[pin] ?? true;
  }
  mode(pin: string, mode: "input" | "input_pullup" | "output") {
    this.modes[pin] = mode;
    this.log.push(`mode ${pin} ${mode}`);
  }
  watch(fn: (e: { state: boolean }) => void, pin: string, options: { repeat: boolean; edge: "both"; debounce: number }) {
    this.watches.push({ pin, debounce: options.debounce, listener: (level: boolean) => fn({ state: level }) });
    return this.watches.length;
  }
  unwatch(handle: any) {
    this.watches.splice(handle - 1, 1);
  }
  // The input settles at `level`: every watch on the pin hears it.
  set(pin: string, level: boolean) {
    this.levels[pin] = level;
    for (const w of this.watches) if (w.pin === pin) w.listener(level);
  }
}
