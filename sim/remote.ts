// `npm run remote -- --broker ws://HOST:9001 [--topic BASE]`: the web page's phone app alone, for a
// real node, against an existing broker's MQTT-over-WebSocket listener (mosquitto: `listener 9001`
// and `protocol websockets` in its configuration). Served on http://127.0.0.1:8080 (--http PORT,
// --http-host HOST).
import { startWeb } from "./web";
import { parseFlags, portFlag } from "./args";

const USAGE = "usage: npm run remote -- --broker ws://host:9001 [--topic BASE] [--http PORT] [--http-host HOST]";

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), USAGE, ["--broker", "--topic", "--http", "--http-host"]);
  const broker = f["--broker"] as string | undefined;
  if (!broker || !/^wss?:\/\/[^/]/.test(broker))
    throw new Error(`--broker ws://host:port is needed (the broker's WebSocket listener)\n${USAGE}`);
  const topic = (f["--topic"] as string | undefined) || "living_room_lights";
  if (/[+#\0]/.test(topic)) throw new Error(`--topic ${topic}: no +, # or NUL in a base topic`);
  const host = (f["--http-host"] as string | undefined) || "127.0.0.1";
  const port = portFlag("--http", (f["--http"] as string | undefined) || "8080");
  let web;
  try {
    web = await startWeb({ host, port, mqttUrl: broker, topic });
  } catch (err: any) {
    const busy = err.code === "EADDRINUSE" ? "; `npm start` serves its page there too" : "";
    throw new Error(
      `cannot serve the page on ${host}:${port} (${err.code || err.message}${busy}): choose another port with --http PORT`
    );
  }
  process.stdout.write(`lightnode remote: ${web.url}   (broker ${broker}, topic ${topic}); Ctrl-C stops it\n`);
  const stop = () => void web.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  console.error(String(err && err.message ? err.message : err));
  process.exit(1);
});
