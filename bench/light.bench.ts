// Light node figures on the simulator running build/firmware.js against aedes: command-to-relay
// latency (phone publishes -> relay pin written) and switch-to-publish latency (switch input
// settles -> phone receives the flip; includes the 50 ms debounce), median and p99 over N toggles;
// and the bundle sizes. `npx tsx bench/light.bench.ts [N]` (default 1000); needs `npm run build`.
import { readFileSync, statSync } from "node:fs";
import mqtt from "mqtt";
import { minifiedPart } from "./part-size";
import { Simulator } from "../sim/simulator";
import { startAedes } from "../test/support/brokers";
import { bringUp } from "../test/support/node";

const N = Number(process.argv[2]) || 1000;
const BASE = "living_room_lights";

function stats(xs: number[]) {
  const s = xs.slice().sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]} ms, p99 ${s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]} ms, max ${s[s.length - 1]} ms (n=${s.length})`;
}

async function main() {
  const broker = await startAedes();
  const phone = await mqtt.connectAsync(broker.url, { clientId: "bench-phone", reconnectPeriod: 0 });
  // mqtt.js leaves Nagle's algorithm on: its PUBACK for the echo of its own command would hold the
  // next command back by a delayed ACK (~40 ms), which is the phone's latency, not the node's.
  (phone as any).stream.setNoDelay(true);
  let waiter: ((payload: string) => void) | null = null;
  phone.on("message", (_t, p) => waiter && waiter(p.toString()));
  await phone.subscribeAsync(BASE, { qos: 1 });
  const sim = await Simulator.start({ inputs: { D0: true } });
  await bringUp(sim, broker);
  await new Promise((r) => setTimeout(r, 300));

  const cmd: number[] = [];
  for (let i = 0; i < N; i++) {
    const want = !sim.pins.level("D12");
    const n = sim.pins.writes("D12").length;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const poll = () =>
        sim.pins.writes("D12").length > n && sim.pins.level("D12") === want ? resolve() : setImmediate(poll);
      phone.publish(BASE, want ? "on" : "off", { qos: 1 });
      poll();
    });
    cmd.push(Math.round((performance.now() - t0) * 100) / 100);
  }
  console.log(`command -> relay:   ${stats(cmd)}`);

  // The simulator's handles do not keep Node alive on their own while we wait on them.
  const keepAlive = setInterval(() => {}, 1000);
  const sw: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      waiter = () => {
        waiter = null;
        resolve();
      };
      sim.pins.set("D0", !sim.pins.level("D0"));
    });
    sw.push(Math.round(performance.now() - t0));
  }
  console.log(`switch -> publish:  ${stats(sw)} (debounce 50 ms included)`);
  clearInterval(keepAlive);
  if (sim.errors.length) console.log("firmware errors:", sim.errors.length);

  await sim.stop();
  await phone.endAsync();
  await broker.close();
  console.log(`build/firmware.min.js: ${statSync("build/firmware.min.js").size} bytes (budget 12288)`);
  console.log(`build/firmware.js:     ${readFileSync("build/firmware.js").length} bytes`);
  console.log(`light app (src/light, minified alone): ${await minifiedPart("light/app")} bytes`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
