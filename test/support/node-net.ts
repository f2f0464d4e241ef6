// Espruino's `net` shape over node:net, for tests and the simulator: data arrives as 8-bit
// ('latin1') strings, writes take 8-bit strings, and events go through a removable emitter.
import { connect as tcpConnect, Socket as TcpSocket } from "node:net";
import { EventEmitter } from "node:events";
import { Net, Socket } from "../../src/ports";

export interface NodeNet extends Net {
  // Every TCP socket opened so far, newest last (tests kill them to simulate a dropped link).
  sockets: TcpSocket[];
  // Destroys every socket still open.
  destroyAll(): void;
}

export function nodeNet(): NodeNet {
  const sockets: TcpSocket[] = [];
  return {
    sockets,
    destroyAll() {
      for (const s of sockets) s.destroy();
    },
    connect(options, onConnected): Socket {
      const events = new EventEmitter();
      const tcp = tcpConnect({ host: options.host, port: options.port });
      sockets.push(tcp);
      tcp.setNoDelay(true);
      tcp.setEncoding("latin1");
      // Like Espruino, the connect callback is a 'connect' listener, so removeAllListeners drops it.
      events.on("connect", onConnected);
      tcp.on("connect", () => events.emit("connect"));
      tcp.on("data", (d: string) => events.emit("data", d));
      tcp.on("end", () => events.emit("end"));
      tcp.on("close", () => events.emit("close"));
      // Espruino does not throw on an unheard 'error'; Node's EventEmitter would.
      tcp.on("error", (err) => {
        if (events.listenerCount("error")) events.emit("error", err);
      });
      const socket: Socket = {
        write(data: string) {
          if (tcp.writable) tcp.write(data, "latin1");
        },
        end() {
          tcp.end();
        },
        on(event: string, listener: (...args: any[]) => void) {
          events.on(event, listener);
        },
        removeAllListeners(event?: string) {
          if (event === undefined) events.removeAllListeners();
          else events.removeAllListeners(event);
        }
      } as Socket;
      return socket;
    }
  };
}
