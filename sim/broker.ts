// A real MQTT broker (aedes) on a TCP port: the embedded broker of `npm start`, and the one tests
// start through test/support/brokers.ts.
import { createServer, Socket } from "node:net";
import { Aedes } from "aedes";

export interface EmbeddedBroker {
  url: string;
  host: string;
  port: number;
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
    if (username !== undefined && users[username] !== undefined && password && password.toString() === users[username]) {
      return done(null, true);
    }
    const err: any = new Error("bad user name or password");
    err.returnCode = 4;
    done(err, false);
  };
}

export async function startBroker(host = "127.0.0.1", port = 1883, users?: Users): Promise<EmbeddedBroker> {
  const aedes: any = await (Aedes as any).createBroker();
  if (users) aedes.authenticate = authenticate(users);
  const sockets = new Set<Socket>();
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
  const broker: EmbeddedBroker = {
    url: `mqtt://${host}:${actual}`,
    host,
    port: actual,
    onLog: null,
    aedes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => aedes.close(() => resolve()));
      })
  };
  const log = (line: string) => broker.onLog && broker.onLog(line);
  aedes.on("client", (c: any) => log(`client ${c.id} connected`));
  aedes.on("clientDisconnect", (c: any) => log(`client ${c.id} disconnected`));
  aedes.on("publish", (p: any, c: any) => {
    if (c) log(`${c.id} -> ${p.topic}${p.retain ? " (retained)" : ""}: ${p.payload.toString().slice(0, 80)}`);
  });
  return broker;
}
