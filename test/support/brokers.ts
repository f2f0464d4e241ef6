// Real MQTT brokers for tests, on loopback only: an embedded aedes, and Debian's mosquitto.
import { createServer, Socket } from "node:net";
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startBroker } from "../../sim/broker";

export interface RunningBroker {
  host: string;
  port: number;
  url: string;
  // MQTT over WebSocket, when started with wsPort.
  wsUrl?: string | null;
  wsPort?: number | null;
  // Stops the broker and drops every client connection.
  close(): Promise<void>;
}

export interface BrokerOptions {
  port?: number;
  // Also MQTT over WebSocket on this port (0: a free one).
  wsPort?: number;
  // When set, only this user name and password are accepted (others get CONNACK 4 / 5).
  users?: { [name: string]: string };
}

// Starts aedes on 127.0.0.1 (port 0 picks a free one), as the simulator's CLI does.
export async function startAedes(
  options: BrokerOptions = {}
): Promise<RunningBroker & { aedes: any; wsUrl: string | null; wsPort: number | null }> {
  return startBroker("127.0.0.1", options.port ?? 0, options.users, { wsPort: options.wsPort });
}

export function mosquittoPath(): string | null {
  for (const p of ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"])
    if (existsSync(p)) return p;
  return null;
}

// Mosquitto is required in CI (.ci/run installs it); elsewhere tests that need it are skipped
// with a visible reason. Call inside a mocha `before` with its context.
export function requireMosquitto(ctx: Mocha.Context): string {
  const bin = mosquittoPath();
  if (bin) return bin;
  if (process.env.CI) throw new Error("mosquitto is not installed, but CI must run the mosquitto interop tests");
  console.warn("    (skipped: mosquitto not installed; `apt-get install mosquitto` to run these)");
  ctx.skip();
  return "";
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as any).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error("mosquitto exited with code " + child.exitCode);
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
      s.connect(port, "127.0.0.1");
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error("mosquitto did not open port " + port);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Starts Debian's mosquitto on a loopback port with its own config (and password file if users).
// Restartable on the same port: call start() again after close().
export async function startMosquitto(bin: string, options: BrokerOptions = {}): Promise<RunningBroker> {
  const dir = mkdtempSync(path.join(tmpdir(), "lightnode-mosq-"));
  const port = options.port ?? (await freePort());
  const lines = [`listener ${port} 127.0.0.1`, "persistence false", "log_dest none"];
  // The README's lines for the web remote: a second listener speaking MQTT over WebSocket.
  const wsPort = options.wsPort === undefined ? null : options.wsPort || (await freePort());
  if (wsPort !== null) lines.push(`listener ${wsPort} 127.0.0.1`, "protocol websockets");
  // Run as whoever runs the tests (as root, mosquitto would otherwise switch to its own user,
  // which cannot read this private temporary folder).
  if (process.getuid && process.getuid() === 0) lines.push("user root");
  if (options.users) {
    const pwfile = path.join(dir, "passwd");
    writeFileSync(pwfile, "");
    for (const name of Object.keys(options.users)) {
      const r = spawnSync("mosquitto_passwd", ["-b", pwfile, name, options.users[name]]);
      if (r.status !== 0) throw new Error("mosquitto_passwd failed: " + r.stderr);
    }
    lines.push("allow_anonymous false", `password_file ${pwfile}`);
  } else {
    lines.push("allow_anonymous true");
  }
  writeFileSync(path.join(dir, "mosquitto.conf"), lines.join("\n") + "\n");
  const child = spawn(bin, ["-c", path.join(dir, "mosquitto.conf")], { stdio: "ignore" });
  await waitForPort(port, child, 5000);
  if (wsPort !== null) await waitForPort(wsPort, child, 5000);
  return {
    host: "127.0.0.1",
    port,
    url: `mqtt://127.0.0.1:${port}`,
    wsPort,
    wsUrl: wsPort === null ? null : `ws://127.0.0.1:${wsPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      })
  };
}
