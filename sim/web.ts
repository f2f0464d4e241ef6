// The web page's server: the phone app (which talks MQTT over WebSocket to the broker itself, with
// the `mqtt` package's browser build served from node_modules) and, with a simulator, the board
// panel, fed by server-sent events from a BoardView and driven by a few POSTs (the wall switch and
// the access point). Plain node:http, no framework; nothing leaves the machine.
//
// Routes: GET / (the page), /page/* (its files), /mqtt.min.js, /config.json, /events (SSE, board
// only); POST /board/flip, /board/press, /board/release, /board/ap?up=1|0 (board only, with the
// header X-Lightnode: board).
import { createServer, IncomingMessage, ServerResponse, Server } from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";
import { BoardView } from "./board-view";

export interface WebOptions {
  host: string;
  port: number; // 0: any free port
  // The broker's MQTT-over-WebSocket URL, as the browser reaches it.
  mqttUrl: string;
  // The base topic; with a board, the one configured in its flash wins.
  topic: string;
  // The simulated board, for the board panel (none: just the phone app, `npm run remote`).
  board?: BoardView;
}

export interface WebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const ROOT = path.resolve(__dirname, "..");
const PAGE_DIR = path.join(ROOT, "web");
const TYPES: { [ext: string]: string } = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml"
};
const PAGE_FILES = ["index.html", "phone.js", "board.js", "style.css"];
const KEEPALIVE_MS = 15000;

// The mqtt package's browser bundle (it sets `window.mqtt`).
function mqttBrowserBuild(): string {
  return require.resolve("mqtt/dist/mqtt.min");
}

export async function startWeb(o: WebOptions): Promise<WebServer> {
  const clients = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    try {
      route(o, req, res, clients);
    } catch (err: any) {
      send(res, 500, "text/plain", String(err && err.message));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as any).port;
  const keepalive = setInterval(() => clients.forEach((c) => c.write(": keepalive\n\n")), KEEPALIVE_MS);
  keepalive.unref();
  const host = o.host.indexOf(":") >= 0 ? `[${o.host}]` : o.host;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(keepalive);
        for (const c of clients) c.end();
        server.close(() => resolve());
        server.closeAllConnections();
      })
  };
}

function route(o: WebOptions, req: IncomingMessage, res: ServerResponse, clients: Set<ServerResponse>): void {
  const url = new URL(req.url || "/", "http://page");
  const board = o.board;
  if (req.method === "GET") {
    if (url.pathname === "/") return file(res, path.join(PAGE_DIR, "index.html"));
    const name = url.pathname.replace(/^\/page\//, "");
    if (PAGE_FILES.indexOf(name) >= 0 && url.pathname.startsWith("/page/")) return file(res, path.join(PAGE_DIR, name));
    if (url.pathname === "/mqtt.min.js") return file(res, mqttBrowserBuild());
    if (url.pathname === "/config.json") {
      const topic = board ? board.snapshot().topic : o.topic;
      return send(res, 200, "application/json", JSON.stringify({ mqtt: o.mqttUrl, topic, board: !!board }));
    }
    if (url.pathname === "/events" && board) return events(board, req, res, clients);
  }
  // A header no cross-site form can send: another site open in the browser cannot press the switch.
  if (req.method === "POST" && board && req.headers["x-lightnode"] === "board") {
    const done = () => send(res, 204, "text/plain", "");
    if (url.pathname === "/board/flip") return void board.flip().then(done);
    if (url.pathname === "/board/press") return void board.press().then(done);
    if (url.pathname === "/board/release") return void board.release().then(done);
    if (url.pathname === "/board/ap") {
      board.accessPoint(url.searchParams.get("up") === "1");
      return done();
    }
  }
  send(res, 404, "text/plain", "not found\n");
}

// Server-sent events: the board's snapshot at once, then each change and each piece of console
// output, one JSON object per event.
function events(board: BoardView, req: IncomingMessage, res: ServerResponse, clients: Set<ServerResponse>): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
  clients.add(res);
  const stop = board.subscribe((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
  req.on("close", () => {
    stop();
    clients.delete(res);
  });
}

function file(res: ServerResponse, name: string): void {
  send(res, 200, TYPES[path.extname(name)] || "application/octet-stream", readFileSync(name));
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end(body);
}
