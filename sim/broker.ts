// A real MQTT broker (aedes) on a TCP port: the embedded broker of `npm start`, and the one tests
// start through test/support/brokers.ts. Optionally also MQTT over WebSocket (for the web page), as
// aedes documents it: each WebSocket connection, turned into a stream (ws' createWebSocketStream),
// is handed to aedes.handle like a TCP socket.
import { createServer, Socket } from "node:net";
import { createServer as createHttpServer } from "node:http";
import { Duplex } from "node:stream";
import { WebSocketServer, createWebSocketStream } from "ws";
import { Aedes } from "aedes";

export interface EmbeddedBroker {
  url: string;
  host: string;
  port: number;
  // The WebSocket listener (ws://host:port), when asked for; null otherwise.
  wsUrl: string | null;
  wsPort: number | null;
  // Prints each client's connect/disconnect and every publish (the CLI shows them).
  onLog: ((line: string) => void) | null;
  close(): Promise<void>;
  // The aedes instance, for tests that inspect it.
  aedes: any;
}

// When set, only these user names with these passwords are accepted (others get CONNACK 4).
export type Users = { [name: string]: string };

// Accepts only the listed user name/password pairs.
function authenticate(users: Users) {
  return (_client: any, username: string | undefined, password: Buffer | undefined, done: any) => {
    if (
      username !== undefined &&
      users[username] !== undefined &&
      password &&
      password.toString() === users[username]
    ) {
      return done(null, true);
    }
    const err: any = new Error("bad user name or password");
    err.returnCode = 4;
    done(err, false);
  };
}

export interface ListenOptions {
  // Also listen for MQTT over WebSocket on this port (0: any free one), same host.
  wsPort?: number;
}

export async function startBroker(
  host = "127.0.0.1",
  port = 1883,
  users?: Users,
  options: ListenOptions = {}
): Promise<EmbeddedBroker> {
  const aedes: any = await (Aedes as any).createBroker();
  if (users) aedes.authenticate = authenticate(users);
  const sockets = new Set<Socket | Duplex>();
  const server = createServer((socket) => {
    sockets.add(socket);
    // Latency figures should be the node's, not those of Nagle's algorithm on the broker side.
    socket.setNoDelay(true);
    socket.on("close", () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as any).port;
  let ws: { port: number; close(): Promise<void> } | null = null;
  try {
    if (options.wsPort !== undefined) ws = await listenWebSocket(aedes, host, options.wsPort, sockets);
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => aedes.close(() => resolve())));
    throw err;
  }
  const broker: EmbeddedBroker = {
    url: `mqtt://${host}:${actual}`,
    host,
    port: actual,
    wsUrl: ws ? `ws://${host}:${ws.port}` : null,
    wsPort: ws ? ws.port : null,
    onLog: null,
    aedes,
    close: async () => {
      for (const s of sockets) s.destroy();
      if (ws) await ws.close();
      await new Promise<void>((resolve) => server.close(() => aedes.close(() => resolve())));
    }
  };
  const log = (line: string) => broker.onLog && broker.onLog(line);
  aedes.on("client", (c: any) => log(`client ${c.id} connected`));
  aedes.on("clientDisconnect", (c: any) => log(`client ${c.id} disconnected`));
  aedes.on("publish", (p: any, c: any) => {
    if (c) log(`${c.id} -> ${p.topic}${p.retain ? " (retained)" : ""}: ${p.payload.toString().slice(0, 80)}`);
  });
  return broker;
}

// MQTT over WebSocket on its own HTTP server: the "mqtt" subprotocol that MQTT clients ask for, each
// connection a stream for aedes. Resolves once listening.
async function listenWebSocket(
  aedes: any,
  host: string,
  port: number,
  streams: Set<Socket | Duplex>
): Promise<{ port: number; close(): Promise<void> }> {
  const http = createHttpServer((_req, res) => {
    res.writeHead(426, { "content-type": "text/plain" });
    res.end("MQTT over WebSocket here\n");
  });
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (protocols) => (protocols.has("mqtt") ? "mqtt" : false)
  });
  wss.on("connection", (socket, req) => {
    const stream = createWebSocketStream(socket);
    streams.add(stream);
    stream.on("error", () => stream.destroy());
    stream.on("close", () => streams.delete(stream));
    aedes.handle(stream, req);
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => resolve());
  });
  return {
    port: (http.address() as any).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.close(() => resolve());
        http.closeAllConnections();
      })
  };
}
