// The narrow shapes through which the firmware reaches hardware and network. Only main.ts touches
// Espruino's globals and require(); every other module takes these, so it runs on Node with fakes
// of the same shape (the simulator in sim/ implements each of them for real).

// A TCP socket as Espruino's `net` hands it out. Data is an 8-bit string (one char per byte).
export interface Socket {
  write(data: string): void;
  end(): void;
  on(event: "data", listener: (data: string) => void): void;
  on(event: "close" | "end" | "connect", listener: () => void): void;
  on(event: "error", listener: (err: any) => void): void;
  removeAllListeners(event?: string): void;
}

// Espruino's `net` module. The callback runs once connected; a refused connection shows up as
// 'error' and/or 'close' on the returned socket, possibly asynchronously.
export interface Net {
  connect(options: { host: string; port: number }, onConnected: () => void): Socket;
}

// The subset of Espruino's ESP8266 `Wifi` module the firmware uses (see shared/espruino.md).
export interface WifiModule {
  connect(ssid: string, options: { password?: string }, callback: (err: string | null) => void): void;
  disconnect(callback?: () => void): void;
  getStatus(): { station: string };
  getIP(): { ip: string };
  getDetails(): { rssi?: number; ssid?: string };
  setHostname(name: string): void;
  on(event: "connected", listener: (details: { ip: string; mask: string; gw: string }) => void): void;
  on(event: "disconnected", listener: (details: { ssid: string; mac: string; reason: string }) => void): void;
  on(event: string, listener: (details: any) => void): void;
  removeAllListeners(event: string): void;
}

// Espruino's `Storage` module, as far as the firmware uses it.
export interface StorageModule {
  read(name: string): string | undefined;
  readJSON(name: string, noExceptions: boolean): any;
  write(name: string, data: string): boolean;
  writeJSON(name: string, data: any): boolean;
  erase(name: string): void;
  list(): string[];
}

// Pins by name ("D12"), shaped as Espruino's own functions so that main.ts passes them as they
// are (no wrapper): read gives the level as 1/0 or a boolean (compare loosely), watch is setWatch.
export interface Pins {
  write(pin: string, value: boolean): void;
  read(pin: string): boolean | number;
  mode(pin: string, mode: "input" | "input_pullup" | "output"): void;
  // Calls listener with {state: the pin's new level} after `debounce` ms of stable input.
  watch(
    listener: (e: { state: boolean }) => void,
    pin: string,
    options: { repeat: boolean; edge: "both"; debounce: number }
  ): any;
}

// Where console output goes (Espruino's print/console.log). Never pass a password to it.
export type Print = (line: string) => void;

// The build-time board profile, baked in from espruino.config.js by scripts/build.mjs, its booleans
// as 1/0: compare them loosely.
export interface BoardProfile {
  relay: string;
  relayActiveLow: boolean | 0 | 1;
  button: string;
  buttonPressedLow: boolean | 0 | 1;
  led: string | null;
  ledActiveLow: boolean | 0 | 1;
}
