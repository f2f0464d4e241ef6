// A scripted `Net` for the MQTT client's codec-level tests and bench (not the board's net, which is
// sim/net.ts over real TCP): the test opens the connection, feeds broker bytes and drops the link
// by hand, and reads what the client wrote. Same shape as Espruino's net (ports.ts). `record`
// false keeps no writes (the bench, whose heap figure they would swell).
import { Net, Socket } from "../../src/ports";

export interface ScriptedSocket extends Socket {
  writes: string[];
  ended: boolean;
  listeners: { [event: string]: Array<(arg?: any) => void> };
  // The TCP connection opens (runs the connect callback).
  open(): void;
  // Broker bytes arrive, as one chunk per argument.
  feed(...chunks: string[]): void;
  // Emits an event ('close', 'end', 'error') as the network would.
  emit(event: string, arg?: any): void;
  listenerCount(): number;
}

export interface ScriptedNet extends Net {
  sockets: ScriptedSocket[];
  last(): ScriptedSocket;
  options: Array<{ host: string; port: number }>;
}

export function scriptedNet(record = true): ScriptedNet {
  const sockets: ScriptedSocket[] = [];
  const options: Array<{ host: string; port: number }> = [];
  return {
    sockets,
    options,
    last: () => sockets[sockets.length - 1],
    connect(opts, onConnected) {
      options.push(opts);
      let onOpen: (() => void) | null = onConnected;
      const s: ScriptedSocket = {
        writes: [],
        ended: false,
        listeners: {},
        write(data: string) {
          if (s.ended) throw new Error("write after end");
          if (record) s.writes.push(data);
        },
        end() {
          s.ended = true;
        },
        on(event: string, fn: any) {
          (s.listeners[event] = s.listeners[event] || []).push(fn);
        },
        removeAllListeners(event?: string) {
          if (event === undefined) {
            s.listeners = {};
            onOpen = null;
          } else delete s.listeners[event];
        },
        open() {
          if (onOpen) onOpen();
        },
        feed(...chunks: string[]) {
          for (const c of chunks) s.emit("data", c);
        },
        emit(event: string, arg?: any) {
          for (const fn of (s.listeners[event] || []).slice()) fn(arg);
        },
        listenerCount() {
          let n = onOpen ? 1 : 0;
          for (const k of Object.keys(s.listeners)) n += s.listeners[k].length;
          return n;
        }
      } as ScriptedSocket;
      sockets.push(s);
      return s;
    }
  };
}

// Bytes as an 8-bit string, from numbers and strings (strings taken as latin1).
export function bytes(...parts: Array<number | string>): string {
  return parts.map((p) => (typeof p === "number" ? String.fromCharCode(p) : p)).join("");
}

export function hex(s: string): string {
  return Buffer.from(s, "latin1").toString("hex");
}

// Timers still scheduled on a sinon fake clock. Read from its timer map: fake-timers 15.5's
// countTimers() keeps counting timers that were cleared.
export function liveTimers(clock: any): number {
  return clock.timers ? clock.timers.size : clock.countTimers();
}
