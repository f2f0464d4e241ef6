// Safe mode with real parts: the simulated board's pins, Storage, Wi-Fi and net (real TCP), the real
// MQTT client, an embedded aedes broker, a phone (mqtt.js) on it; the update receiver is a stand-in
// recording what safe mode hands it (the receiver itself is src/ota/'s, tested there). Host timers.
import { strict as assert } from "node:assert";
import mqtt from "mqtt";
import { startSafeMode, stopSafeMode, SafeDeps } from "../../src/boot/safe-mode";
import { openRecord } from "../../src/store/record";
import { BOOT_RECORD, BootRecord } from "../../src/boot/boot-record";
import { Config } from "../../src/config";
import { accessPoint, boardPins, crc, flashStorage, tcpNet } from "../support/ports";
import { startAedes } from "../support/brokers";
import { BOARD, config } from "../light/helpers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WIFI = { ssid: "home", password: "wifi-pass-123" };

describe("boot/safe-mode", function () {
  this.timeout(15000);
  let broker: Awaited<ReturnType<typeof startAedes>>;
  let phone: mqtt.MqttClient;
  let heard: [string, string, boolean][];
  before(async function () {
    broker = await startAedes();
    phone = mqtt.connect(broker.url, { clientId: "phone" });
    heard = [];
    phone.on("message", (t, p, packet) => heard.push([t, p.toString("latin1"), !!packet.retain]));
    await new Promise<void>((r) => phone.on("connect", () => r()));
    await phone.subscribeAsync("living_room_lights/#");
  });
  after(async function () {
    await phone.endAsync(true);
    await broker.close();
  });
  // The MQTT client is one per run (module state, as on the board, where a restart clears it): the
  // closing of one test's connection is let through before the next test makes another.
  afterEach(async function () {
    stopSafeMode();
    delete (global as any).normal;
    await sleep(100);
  });

  // A board in safe mode: `cfg` stored (undefined: none), the light stored as `stored`; what the
  // receiver stand-in got, what was printed, the restarts.
  function board(cfg: Config | undefined, stored: 0 | 1, receiver: "ok" | "throws" | "missing" = "ok") {
    const { storage, flash } = flashStorage();
    const { pins, wire, log } = boardPins(undefined, { D0: true });
    const { wifi } = accessPoint(WIFI, { joinMs: [5, 5] });
    const rig = {
      flash,
      wire,
      log,
      printed: [] as string[],
      received: [] as (string | undefined)[],
      restarts: 0,
      files: [] as string[]
    };
    if (cfg) openRecord(storage, "cfg", 1, crc, () => {}).write(cfg);
    openRecord(storage, "light", 1, crc, () => {}).write(stored);
    openRecord(storage, BOOT_RECORD, 1, crc, () => {}).write({ set: "b", tried: 0, boots: 6 } as BootRecord);
    const deps: SafeDeps = {
      pins,
      board: BOARD,
      storage,
      crc,
      print: (l) => rig.printed.push(l),
      wifi,
      net: tcpNet().net,
      serial: "aabbccdd-eeff",
      restart: () => rig.restarts++,
      evaluate: (file) => {
        rig.files.push(file);
        if (receiver == "missing") return undefined;
        return (c: Config, p: string | undefined, send: any, sub: any) => {
          if (receiver == "throws") throw new Error("receiver broken");
          rig.received.push(p);
          if (p === undefined) (sub(c.topic + "/ota", 1), send(c.topic + "/ota/state", "ready", 1, true));
          else send(c.topic + "/ota/state", "got " + p, 1, true);
        };
      }
    };
    startSafeMode(deps);
    return rig;
  }

  async function hear(topic: string, payload: string, ms = 5000) {
    const end = Date.now() + ms;
    while (!heard.some((h) => h[0] == topic && h[1] == payload)) {
      if (Date.now() > end) throw new Error(`no ${payload} on ${topic}; heard ${JSON.stringify(heard)}`);
      await sleep(10);
    }
  }

  it("starts the relay as stored (level written before output mode), and the wall switch drives it", async function () {
    const rig = board(config({ ssid: WIFI.ssid, password: WIFI.password, port: broker.port, power: "last" }), 1);
    assert.deepEqual(
      rig.log.filter((l) => l.includes("D12 ")),
      ["write D12 1", "mode D12 output"]
    );
    for (const level of [false, true, false]) {
      const before = rig.wire.level("D12");
      rig.wire.set("D0", level);
      await sleep(80);
      assert.equal(rig.wire.level("D12"), !before);
    }
    assert.ok(rig.printed.includes("safe mode: relay and wall switch, console, updates; normal() leaves it"));
  });

  it("power-on state on and off override the stored light; detached keeps the relay on", async function () {
    let rig = board(config({ power: "on", port: broker.port }), 0);
    assert.equal(rig.wire.level("D12"), true);
    stopSafeMode();
    await sleep(100);
    rig = board(config({ power: "off", port: broker.port }), 1);
    assert.equal(rig.wire.level("D12"), false);
    stopSafeMode();
    await sleep(100);
    rig = board(config({ mode: "detached", power: "off", port: broker.port }), 0);
    assert.equal(rig.wire.level("D12"), true);
  });

  it("joins Wi-Fi and the broker, says safe mode retained, hands update messages to the confirmed set's receiver", async function () {
    heard.length = 0;
    const rig = board(config({ ssid: WIFI.ssid, password: WIFI.password, port: broker.port }), 0);
    await hear("living_room_lights/status", "safe mode");
    await hear("living_room_lights/ota/state", "ready");
    await phone.publishAsync("living_room_lights/ota", "chunk 1", { qos: 1 });
    await hear("living_room_lights/ota/state", "got chunk 1");
    assert.deepEqual(rig.received, [undefined, "chunk 1"]);
    assert.deepEqual(rig.files, ["ln.b.ota", "ln.b.ota"], "the confirmed set's receiver (the record says b)");
    // Retained: a phone connecting later sees it.
    const late = await mqtt.connectAsync(broker.url, { clientId: "late" });
    const got = new Promise<string>((r) =>
      late.on("message", (t, p) => t == "living_room_lights/status" && r(p.toString()))
    );
    await late.subscribeAsync("living_room_lights/status");
    assert.equal(await got, "safe mode");
    await late.endAsync(true);
  });

  it("a connection the broker drops is made again (within 5 s), and says safe mode again", async function () {
    this.timeout(20000);
    heard.length = 0;
    board(config({ ssid: WIFI.ssid, password: WIFI.password, port: broker.port }), 0);
    await hear("living_room_lights/status", "safe mode");
    const node = await new Promise<any>((resolve) => {
      const find = () => {
        const c = Object.values(broker.aedes.clients).find((c: any) => c.id == "node1");
        if (c) resolve(c);
        else setTimeout(find, 10);
      };
      find();
    });
    heard.length = 0;
    node.conn.destroy();
    await hear("living_room_lights/status", "offline");
    await hear("living_room_lights/status", "safe mode", 8000);
  });

  it("a receiver that throws or is missing is said, and safe mode goes on", async function () {
    heard.length = 0;
    let rig = board(config({ ssid: WIFI.ssid, password: WIFI.password, port: broker.port }), 0, "throws");
    await hear("living_room_lights/status", "safe mode");
    await sleep(50);
    assert.ok(rig.printed.includes("safe mode: ln.b.ota failed: Error: receiver broken"), rig.printed.join(" | "));
    stopSafeMode();
    heard.length = 0;
    rig = board(config({ ssid: WIFI.ssid, password: WIFI.password, port: broker.port }), 0, "missing");
    await hear("living_room_lights/status", "safe mode");
    await sleep(50);
    assert.ok(rig.printed.includes("safe mode: ln.b.ota missing: no updates"));
    rig.wire.set("D0", false);
    await sleep(80);
    assert.equal(rig.wire.level("D12"), true);
  });

  it("without a valid configuration: relay and switch only, and it says so", async function () {
    const rig = board(undefined, 0);
    assert.ok(rig.printed.includes("safe mode: no valid configuration: no network"));
    rig.wire.set("D0", false);
    await sleep(80);
    assert.equal(rig.wire.level("D12"), true);
  });

  it("normal() resets the boot count, keeps the rest of the record, saves a light just changed, and restarts", async function () {
    const rig = board(undefined, 0);
    rig.wire.set("D0", false);
    await sleep(80);
    (global as any).normal();
    stopSafeMode();
    assert.equal(rig.restarts, 1);
    assert.ok(rig.printed.includes("leaving safe mode"));
    assert.deepEqual(openRecordOver(rig.flash, BOOT_RECORD), { set: "b", tried: 0, boots: 0 });
    assert.equal(openRecordOver(rig.flash, "light"), 1, "the light changed 80 ms before is kept");
  });
});

// A record as the firmware reads it, from the test side of the simulated flash.
function openRecordOver(flash: any, name: string): any {
  const storage: any = { read: (n: string) => flash.get(n), write: () => false, erase: () => {} };
  return openRecord(storage, name, 1, crc, () => {}).read(true);
}
