// Prints the MQTT client's figures: minified size (codec + framer + session, bundled and minified
// as the firmware build does), encode/decode throughput on Node, and heap bytes per received
// message (run with `node --expose-gc` through tsx for that last one).
import { minifiedPart } from "./part-size";
import { decode, packet as build, PUBLISH } from "../src/mqtt/codec";
import { field, u16 } from "../src/mqtt/utf8";
import { createFramer } from "../src/mqtt/framer";
import { createClient } from "../src/mqtt/client";
import { Net } from "../src/ports";
import { scriptedNet } from "../test/support/scripted-net";

const BUDGET = 4096;

function rate(label: string, n: number, fn: () => void) {
  const t0 = process.hrtime.bigint();
  fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label.padEnd(44)} ${Math.round(n / s).toLocaleString("en")} /s`);
}

// A client on a scripted net whose one socket the bench opens and feeds by hand; nothing it writes
// is kept.
function benchNet(): { net: Net; feed: (d: string) => void } {
  const net = scriptedNet(false);
  let opened = false;
  return {
    net,
    feed: (d) => {
      if (!opened) net.last().open();
      opened = true;
      net.last().feed(d);
    }
  };
}

async function main() {
  const bytes = await minifiedPart("mqtt/client");
  console.log(`client minified (codec+framer+session)       ${bytes} bytes (target ${BUDGET})`);

  const N = 200_000;
  const payload = "x".repeat(64);
  // The client builds PUBLISH inline: measured through publish() on a connected client.
  const out = benchNet();
  const sender = createClient(out.net, { host: "h", port: 1, clientId: "b", keepalive: 0, clean: true });
  sender.connect();
  out.feed("\x20\x02\x00\x00");
  rate("encode + write PUBLISH QoS 0, 64-byte payload", N, () => {
    for (let i = 0; i < N; i++) sender.publish("home/living/light/state", payload, 0, false);
  });
  sender.disconnect();
  // A broker's PUBLISH QoS 1, id 7.
  const packet = build(PUBLISH | 2, field("home/living/light/set") + u16(7) + payload);
  const stream = packet.repeat(100);
  rate("frame + decode PUBLISH QoS 1 (100 per chunk)", N, () => {
    const feed = createFramer(1 << 20, (h, b) => decode(h, b));
    for (let i = 0; i < N / 100; i++) feed(stream);
  });

  // Whole session path: framer, decoder, PUBACK, onMessage.
  const { net, feed } = benchNet();
  const client = createClient(net, { host: "h", port: 1, clientId: "b", keepalive: 0, clean: true });
  let got = 0;
  client.onMessage = () => got++;
  client.connect();
  feed("\x20\x02\x00\x00");
  rate("session: receive + PUBACK QoS 1 message", N, () => {
    for (let i = 0; i < N; i++) feed(packet);
  });
  if (got !== N) throw new Error("lost messages: " + got);

  const gc = (global as any).gc;
  if (gc) {
    const M = 20_000;
    gc();
    const before = process.memoryUsage().heapUsed;
    const { net: net2, feed: feed2 } = benchNet();
    const c2 = createClient(net2, { host: "h", port: 1, clientId: "b", keepalive: 0, clean: true });
    const keep: any[] = [];
    c2.onMessage = (m) => keep.push(m);
    c2.connect();
    feed2("\x20\x02\x00\x00");
    for (let i = 0; i < M; i++) feed2(packet);
    const after = process.memoryUsage().heapUsed;
    console.log(
      `retained heap per received message (kept)     ${Math.round((after - before) / M)} bytes (message object, topic, payload)`
    );
    client.disconnect();
    c2.disconnect();
  } else {
    console.log("heap per message: run `node --expose-gc --import tsx bench/mqtt.bench.ts`");
    client.disconnect();
  }
}

main();
