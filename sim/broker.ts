// A real MQTT broker (aedes) on a TCP port, for `npm start`; tests keep test/support/brokers.ts.
import { createServer, Socket } from "node:net";
import { Aedes } from "aedes";

export interface EmbeddedBroker {
  url: string;
  host: string;
  port: number;
  // Prints each client's connect/disconnect and every publish (the CLI shows them).
  onLog: ((line: string) => void) | null;
  close(): Promise<void>;
}

export async function startBroker(host = "127.0.0.1", port = 1883): Promise<EmbeddedBroker> {
  const aedes: any = await (Aedes as any).createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
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
