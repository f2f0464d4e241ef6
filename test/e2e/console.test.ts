// The serial console as a user meets it, on the built firmware in the simulator: the setup()
// wizard on a fresh board, status(), offline() and forget() against the broker, and hostile input
// at the prompt.
import { strict as assert } from "node:assert";
import { Simulator } from "../../sim/simulator";
import { startAedes, RunningBroker } from "../support/brokers";
import { AP, bringUp } from "../support/node";
import mqtt from "mqtt";

// What a fresh subscriber receives as retained on `topic` within `ms` (undefined: nothing).
async function retained(broker: RunningBroker, topic: string, ms = 500): Promise<string | undefined> {
  const peer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  try {
    let got: string | undefined;
    peer.on("message", (t, p, packet) => {
      if (packet.retain) got = p.toString();
    });
    await peer.subscribeAsync(topic, { qos: 1 });
    await new Promise((r) => setTimeout(r, ms));
    return got;
  } finally {
    await peer.endAsync();
  }
}

describe("e2e: console", function () {
  this.timeout(30000);
  let sim: Simulator | undefined;
  let broker: RunningBroker | undefined;

  afterEach(async function () {
    if (sim) await sim.stop();
    if (broker) await broker.close();
    sim = broker = undefined;
  });

  it("setup() asks, re-asks a bad answer, hides the password, saves and connects", async function () {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    await sim.waitFor(/no config: run setup\(\)/);
    sim.type("setup()");
    await sim.waitFor(/ssid \[\]: /);
    sim.type(AP.ssid);
    await sim.waitFor(/password \[\]: /);
    sim.type("short");
    await sim.waitFor(/error: password: [^\n]*\n/);
    await sim.waitFor(/password \[\]: /);
    sim.type(AP.password);
    await sim.waitFor(/broker \[\]: /);
    sim.type("127.0.0.1");
    await sim.waitFor(/port \[1883\]: /);
    sim.type(String(broker.port));
    await sim.waitFor(/id \[lightnode-\w+\]: /);
    sim.type("");
    await sim.waitFor(/user \[\]: /);
    sim.type("");
    await sim.waitFor(/pass \[\]: /);
    sim.type("");
    await sim.waitFor(/saved/);
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
    // Issue 20: Enter at the first question abandoned; now every question shows its value and
    // Enter keeps it; Esc quits.
    sim.type("setup()");
    await sim.waitFor(new RegExp(`ssid \\[${AP.ssid}\\]: `));
    sim.type("");
    await sim.waitFor(/password \[\*\*\*\]: /);
    sim.type("");
    await sim.waitFor(new RegExp(`broker \\[127.0.0.1\\]: `));
    sim.typeRaw("\x1b");
    await sim.waitFor(/setup abandoned/);
    assert.ok(!sim.output.includes(AP.password), "the password was echoed");
    assert.ok(!sim.output.includes("short"), "the refused password was echoed");
    // The REPL is back on the serial line.
    sim.type("1+2");
    await sim.waitFor(/=3/);
    assert.deepEqual(sim.errors, []);
  });

  it("setup() can be abandoned with Ctrl-C, leaving nothing saved and the REPL usable", async function () {
    sim = await Simulator.start({ ap: AP });
    sim.type("setup()");
    await sim.waitFor(/ssid \[\]: /);
    sim.typeRaw("home\x03");
    await sim.waitFor(/setup abandoned/);
    sim.type("config()");
    await sim.waitFor(/\(not saved\)/);
    assert.ok(!sim.storage.names().some((n) => n.startsWith("cfg.")), "nothing stored");
  });

  it("an upload by the espruino CLI while setup() runs reaches the REPL (Ctrl-C, pause, \\x10 lines)", async function () {
    sim = await Simulator.start({ ap: AP });
    sim.type("setup()");
    await sim.waitFor(/ssid \[\]: /);
    // What the CLI sends: Ctrl-C alone (it pauses 250 ms after one), then each line behind \x10.
    sim.typeRaw("\x03");
    await new Promise((r) => setTimeout(r, 250));
    sim.typeRaw("\x10print('uploaded ' + (6 * 7))\n");
    await sim.waitFor(/uploaded 42/);
    assert.deepEqual(sim.errors, []);
  });

  it("status() gives state, Wi-Fi, broker, uptime, reconnects, last error and free memory, no password", async function () {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    await bringUp(sim, broker);
    sim.type("status()");
    const line = (await sim.waitFor(/\{"state"[^\n]*\}/))[0];
    const status = JSON.parse(line);
    assert.equal(status.state, "Active");
    assert.equal(status.ssid, AP.ssid);
    assert.equal(status.broker, "127.0.0.1");
    assert.equal(status.port, broker.port);
    assert.match(status.ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(typeof status.rssi, "number");
    assert.equal(typeof status.free, "number");
    assert.equal(typeof status.uptime, "number");
    assert.equal(status.reconnects, 0);
    assert.equal(typeof status.error, "string");
    assert.ok(!line.includes(AP.password));
  });

  it("hostile lines at the REPL get an error, not a crash, and the node keeps working", async function () {
    sim = await Simulator.start({ ap: AP });
    sim.type(`config({ssid:"${AP.ssid}",password:"${AP.password}",broker:"127.0.0.1"})`);
    await sim.waitFor(/saved/);
    sim.type(`config("'; DROP TABLE")`);
    await sim.waitFor(/error: [^\n]*\(nothing saved\)/);
    sim.type(`config({ssid: "x".repeat(40)})`);
    await sim.waitFor(/error: ssid: [^\n]*\(nothing saved\)/);
    sim.type(`config({ssid: "caf\\u00e9\\u0001"})`);
    await sim.waitFor(/error: ssid: [^\n]*\(nothing saved\)/);
    sim.type(`config({nonsense: 1})`);
    await sim.waitFor(/error: nonsense: unknown field \(nothing saved\)/);
    // The 1 MB build (this bundle) takes no updates, gestures or telemetry: those fields are unknown.
    for (const field of ['key:"k"', "gestures:true", "tele:60"]) {
      sim.type(`config({${field}})`);
      await sim.waitFor(new RegExp(`error: ${field.split(":")[0]}: unknown field \\(nothing saved\\)`));
    }
    sim.type("help()");
    await sim.waitFor(/setup\(\): /);
    sim.type("config()");
    await sim.waitFor(/"ssid":"lightnode-sim"/);
    assert.deepEqual(sim.errors, []);
  });

  // Leaving the broker on purpose: DISCONNECT makes the broker drop the will, so the node says
  // "offline" itself first (and forget() removes its Home Assistant entity).
  it('offline() leaves <base>/status retained "offline"; connect() makes it "online" again', async function () {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    await bringUp(sim, broker);
    assert.equal(await retained(broker, "living_room_lights/status"), "online");
    sim.type("offline()");
    await sim.waitFor(/Active -> Offline/, 5000);
    assert.equal(await retained(broker, "living_room_lights/status"), "offline");
    sim.type("connect()");
    await sim.waitFor(/LookingForBroker -> Active/, 10000);
    assert.equal(await retained(broker, "living_room_lights/status"), "online");
  });

  // Issue 20: a change of broker while Active reconnected without a goodbye, leaving a retained
  // "online" on the old broker for good.
  it('a new broker while Active: the old one is told "offline" first, the new one says "online"', async function () {
    broker = await startAedes();
    const other = await startAedes();
    try {
      sim = await Simulator.start({ ap: AP });
      await bringUp(sim, broker);
      assert.equal(await retained(broker, "living_room_lights/status"), "online");
      sim.type(`config({port: ${other.port}})`);
      await sim.waitFor(/Active -> LookingForBroker/, 5000);
      await sim.waitFor(/LookingForBroker -> Active/, 10000);
      assert.equal(await retained(broker, "living_room_lights/status"), "offline");
      assert.equal(await retained(other, "living_room_lights/status"), "online");
      assert.deepEqual(sim.errors, []);
    } finally {
      await other.close();
    }
  });

  it('a new base topic while Active: the old one keeps "offline" and no light state or diagnostics', async function () {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    await bringUp(sim, broker);
    assert.equal(await retained(broker, "living_room_lights/state"), "off");
    assert.match((await retained(broker, "living_room_lights/info")) || "", /"version"/);
    sim.type(`config({topic: "kitchen_lights"})`);
    await sim.waitFor(/LookingForBroker -> Active/, 10000);
    assert.equal(await retained(broker, "living_room_lights/status"), "offline");
    assert.equal(await retained(broker, "living_room_lights/state"), undefined);
    assert.equal(await retained(broker, "living_room_lights/info"), undefined);
    assert.equal(await retained(broker, "kitchen_lights/status"), "online");
    assert.equal(await retained(broker, "kitchen_lights/state"), "off");
    const discovery = JSON.parse((await retained(broker, "homeassistant/light/+/config")) || "{}");
    assert.equal(discovery.cmd_t, "kitchen_lights");
  });

  // Issue 20: status() kept "wifi: no_ap_found" while Active.
  it("status() shows no old error once the node is Active again", async function () {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    sim.type(`config({ssid:"elsewhere",password:"${AP.password}",broker:"127.0.0.1",port:${broker.port}})`);
    await sim.waitFor(/wifi: no_ap_found/, 10000);
    sim.type("status()");
    assert.equal(JSON.parse((await sim.waitFor(/\{"state"[^\n]*\}/))[0]).error, "wifi: no_ap_found");
    sim.type(`config({ssid:"${AP.ssid}"})`);
    await sim.waitFor(/LookingForBroker -> Active/, 15000);
    sim.type("status()");
    const status = JSON.parse((await sim.waitFor(/\{"state"[^\n]*\}/))[0]);
    assert.equal(status.state, "Active");
    assert.equal(status.error, "");
  });

  it("help() says what each command does; config() says when nothing changed", async function () {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    await bringUp(sim, broker);
    sim.type("help()");
    await sim.waitFor(/forget\(\): [^\n]+\n/);
    for (const c of ["setup()", "config({", "config()", "status()", "offline()", "connect()"])
      assert.ok(sim.output.includes("\n" + c), c);
    const writes = sim.storage.writes;
    sim.type("config({})");
    await sim.waitFor(/\nunchanged\n/);
    sim.type(`config({ssid: "${AP.ssid}"})`);
    await sim.waitFor(/\nunchanged\n/);
    assert.equal(sim.storage.writes, writes);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!/Active -> /.test(sim.output), "nothing changed, no reconnect");
  });

  it('forget() says "offline" and removes the Home Assistant entity before it forgets the broker', async function () {
    broker = await startAedes();
    sim = await Simulator.start({ ap: AP });
    await bringUp(sim, broker);
    const discovery = "homeassistant/light/+/config";
    assert.match((await retained(broker, discovery)) || "", /"uniq_id"/);
    sim.type("forget()");
    await sim.waitFor(/forgotten/, 5000);
    await sim.waitFor(/Active -> Offline/, 5000);
    assert.equal(await retained(broker, "living_room_lights/status"), "offline");
    assert.equal(await retained(broker, discovery), undefined);
  });

  // After a Storage file of code went missing or was damaged: the wall switch still drives the
  // relay, and nothing threw.
  async function switchStillWorks() {
    const s = sim!;
    const relay = s.pins.level("D12");
    s.pins.set("D0", false);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(s.pins.level("D12"), !relay);
    assert.deepEqual(s.errors, []);
  }

  // config() with the runner's file as `damage` leaves it: the node says so and stays Offline.
  async function configWithBrokenRunner(damage: (whole: string) => string | null) {
    const s = (sim = await Simulator.start({ ap: AP, inputs: { D0: true } }));
    await s.waitFor(/no config: run setup\(\)/);
    const broken = damage(s.storage.get("lightnode.net")!);
    if (broken === null) s.storage.remove("lightnode.net");
    else s.storage.put("lightnode.net", broken);
    s.type(`config({ssid:"${AP.ssid}",password:"${AP.password}",broker:"127.0.0.1",port:1})`);
    await s.waitFor(/saved/);
    await s.waitFor(/lightnode\.net missing or damaged: run npm run flash/);
    s.type("status()");
    await s.waitFor(/"state":"Offline"/);
    await switchStillWorks();
  }

  it("without the console's Storage file, says what is missing and the wall switch still works", async function () {
    sim = await Simulator.start({ ap: AP, inputs: { D0: true } });
    await sim.waitFor(/no config: run setup\(\)/);
    sim.storage.remove("lightnode.con");
    sim.type("help()");
    await sim.waitFor(/lightnode\.con missing or damaged: run npm run flash/);
    await switchStillWorks();
  });

  it("without the runner's Storage file, stays Offline, says what is missing and the wall switch still works", async function () {
    await configWithBrokenRunner(() => null);
  });

  it("with the runner's file cut short by a power loss while flashing, says so, stays Offline, and the switch and console still work", async function () {
    // Flash not yet written reads as 0xff.
    await configWithBrokenRunner(
      (whole) => whole.slice(0, whole.length >> 1) + "\xff".repeat(whole.length - (whole.length >> 1))
    );
  });

  it("with one character of the runner's file changed (it still parses), says so and never runs it", async function () {
    // A letter inside the file's last string literal: the code would still evaluate; its CRC no
    // longer matches the one the build wrote into the boot code.
    await configWithBrokenRunner((whole) => {
      const at = whole.lastIndexOf('"') - 1;
      return whole.slice(0, at) + String.fromCharCode(whole.charCodeAt(at) ^ 1) + whole.slice(at + 1);
    });
  });
});
