// The runner with its real parts: the real MQTT client over the simulated board's net (real TCP) to
// aedes, the Wi-Fi link over the simulated board's Wifi module and access point, real timers
// (backoff made short by Math.random() = 0) except where the clock itself is under test (sinon).
import { strict as assert } from "node:assert";
import sinon from "sinon";
import { step, WATCHDOG, SLOW } from "../../src/conn/runner";
import { createNet } from "../../src/conn/net";
import { In, NetState } from "../../src/conn/types";
import { createClient } from "../../src/mqtt/client";
import { AppEvent, AppHooks, NodeState } from "../../src/app-hooks";
import { Config } from "../../src/config";
import { AccessPoint } from "../../sim/wifi";
import { accessPoint, tcpNet } from "../support/ports";
import { espruinoTimers } from "../support/espruino-timers";
import { Clock } from "../../sim/clock";
import { startAedes, freePort } from "../support/brokers";

const WIFI_PW = "wifi-pass-123";
const MQTT_PW = "mqtt-pass-456";

function config(port: number, more: Partial<Config> = {}): Config {
  return Object.assign(
    {
      ssid: "home",
      password: WIFI_PW,
      broker: "127.0.0.1",
      port,
      id: "lightnode-test",
      user: "",
      pass: "",
      topic: "living_room_lights",
      keepalive: 30,
      telnet: false,
      mode: "toggle",
      power: "last",
      retained: false,
      discovery: true
    } as Config,
    more
  );
}

// What the firmware and the console send the connection, as calls.
interface Runner {
  start(c: Config | undefined): void;
  setConfig(c: Config | undefined): void;
  offline(): void;
  connect(): void;
  state(): NodeState;
  readonly drops: number;
  readonly error: string;
}

function calls(x: NetState): Runner {
  return {
    start: (c) => x.input(In.START, c),
    setConfig: (c) => x.input(In.CONFIG, c),
    offline: () => x.input(In.OFFLINE),
    connect: () => x.input(In.CONNECT),
    state: () => x.nodeState,
    get drops() {
      return x.drops;
    },
    get error() {
      return x.lastError;
    }
  };
}

interface Rig {
  r: Runner;
  // The connection's kept state, and how often the runner's code was loaded (on the board: its
  // Storage file evaluated).
  x: NetState;
  loads: number;
  wifi: AccessPoint;
  lines: string[];
  states: NodeState[];
  actives: number;
  // LEAVE events: the configuration the node goes on with (undefined when forgetting).
  leaves: (Config | undefined)[];
  // Resolves when the runner reaches `s` (or already is there).
  until(s: NodeState, ms?: number): Promise<void>;
}

// Events from the Wifi module reach the firmware after the emitting code returns, as on the board.
const events = () => new Promise((r) => setImmediate(r));

// The access point "home" with the password the configs use; joins take 5 ms.
function rig(random = () => 0, clock?: Clock): Rig {
  const { wifi: module, ap: wifi } = accessPoint({ ssid: "home", password: WIFI_PW }, { joinMs: [5, 5] }, clock);
  const lines: string[] = [];
  const states: NodeState[] = [];
  const waiters: [NodeState, () => void][] = [];
  const rg: any = { wifi, lines, states, actives: 0, leaves: [] };
  const hooks: AppHooks = {
    event: (e, a) => {
      if (e == AppEvent.STATE) {
        states.push(a);
        for (const w of waiters.splice(0))
          if (w[0] == a) w[1]();
          else waiters.push(w);
      } else if (e == AppEvent.WILL) return { topic: a.topic + "/status", payload: "offline", qos: 1, retain: true };
      else if (e == AppEvent.ACTIVE) {
        rg.actives++;
        a.publish("living_room_lights/status", "online", 1, true);
      } else if (e == AppEvent.LEAVE) {
        rg.leaves.push(a);
        mqtt.publish("living_room_lights/status", "offline", 1, true);
      }
    },
    onMessage: () => {}
  };
  const mqtt = createClient(tcpNet().net, { host: "", port: 0, clientId: "", keepalive: 30, clean: true });
  rg.loads = 0;
  // The runner draws its jitter from Math.random itself (the board lends it nothing for that).
  if (random !== Math.random) sinon.stub(Math, "random").callsFake(random);
  rg.x = createNet({ wifi: module, mqtt, hooks, print: (l) => lines.push(l) }, () => (rg.loads++, step));
  rg.r = calls(rg.x);
  rg.until = (s: NodeState, ms = 5000) =>
    rg.r.state() == s
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`not ${s} after ${ms} ms; lines: ${lines.join(" | ")}`)), ms);
          waiters.push([s, () => (clearTimeout(t), resolve())]);
        });
  return rg;
}

function noSecrets(lines: string[]) {
  const all = lines.join("\n");
  assert.ok(!all.includes(WIFI_PW) && !all.includes(MQTT_PW), "a password was printed");
}

describe("conn/runner", function () {
  let rg: Rig | undefined;
  const brokers: { close(): Promise<void> }[] = [];
  // The tests of the clock itself run Espruino's timers on sinon's (espruinoTimers).
  let fake: { restore(): void } | undefined;
  afterEach(async function () {
    if (rg) rg.r.offline();
    rg = undefined;
    if (fake) fake.restore();
    fake = undefined;
    for (const b of brokers.splice(0)) await b.close();
    sinon.restore();
  });

  it("boots without config into Offline with a hint", function () {
    rg = rig();
    rg.r.start(undefined);
    assert.equal(rg.r.state(), "Offline");
    assert.deepEqual(rg.lines, ["[net] boot -> Offline", "[net] no config: run setup()"]);
  });

  it("loads the runner's code once per input and holds none of it between inputs", async function () {
    const broker = await startAedes();
    brokers.push(broker);
    rg = rig();
    rg.r.start(config(broker.port));
    assert.equal(rg.loads, 1);
    assert.ok(!rg.x.run);
    await rg.until("Active");
    // The join, the CONNACK: each a load of its own; callbacks during a run reuse the loaded code.
    assert.ok(rg.loads >= 3, "loads: " + rg.loads);
    assert.ok(!rg.x.run);
  });

  it("goes Offline -> Disconnected -> LookingForBroker -> Active against aedes, printing each step", async function () {
    const broker = await startAedes();
    brokers.push(broker);
    rg = rig();
    rg.r.start(config(broker.port));
    await rg.until("Active");
    assert.deepEqual(rg.lines, [
      "[net] boot -> Offline",
      "[net] Offline -> Disconnected",
      "[net] Disconnected -> LookingForBroker",
      "[net] LookingForBroker -> Active"
    ]);
    assert.deepEqual(rg.states, ["Offline", "Disconnected", "LookingForBroker", "Active"]);
    assert.equal(rg.actives, 1);
    assert.ok(rg.wifi.calls.includes("hostname lightnode-test"));
    const clients = Object.keys(broker.aedes.clients);
    assert.deepEqual(clients, ["lightnode-test"]);
    noSecrets(rg.lines);
  });

  it("reports a wrong Wi-Fi password as such and retries slowly", async function () {
    rg = rig();
    rg.wifi.configure({ password: "the-real-one" });
    rg.r.start(config(1));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(rg.r.state(), "Disconnected");
    assert.equal(rg.lines[2], `[net] wifi: wrong password, retry in about ${(SLOW * 0.8) / 1000}s`);
    assert.equal(rg.r.error, "wifi: wrong password");
    noSecrets(rg.lines);
  });

  it("reports refused MQTT credentials as such and retries slowly", async function () {
    const broker = await startAedes({ users: { node: MQTT_PW } });
    brokers.push(broker);
    rg = rig();
    rg.r.start(config(broker.port, { user: "node", pass: "wrong-pass" }));
    await rg.until("LookingForBroker");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(rg.r.state(), "LookingForBroker");
    assert.equal(rg.lines[3], `[net] mqtt: refused: bad user name or password, retry in about ${(SLOW * 0.8) / 1000}s`);
    // The right password, set while looking for the broker, reconnects at once.
    rg.r.setConfig(config(broker.port, { user: "node", pass: MQTT_PW }));
    await rg.until("Active");
    noSecrets(rg.lines);
  });

  it("survives the broker stopping and restarting on the same port", async function () {
    const port = await freePort();
    let broker = await startAedes({ port });
    rg = rig();
    rg.r.start(config(port));
    await rg.until("Active");
    await broker.close();
    await rg.until("LookingForBroker");
    assert.ok(
      rg.lines.some((l) => /^\[net\] mqtt: connection lost, retry in about 1s$/.test(l)),
      rg.lines.join("|")
    );
    await new Promise((r) => setTimeout(r, 1200));
    assert.ok(
      rg.lines.some((l) => l.startsWith("[net] mqtt: connect failed, retry in about 2s")),
      rg.lines.join("|")
    );
    assert.equal(rg.r.error, "mqtt: connect failed");
    broker = await startAedes({ port });
    brokers.push(broker);
    await rg.until("Active", 8000);
    assert.equal(rg.actives, 2);
    assert.equal(rg.r.drops, 1);
    // Issue 20: status() showed an old error while Active. Active again, it is over.
    assert.equal(rg.r.error, "");
  });

  it("goes Disconnected when Wi-Fi drops and comes back when the AP returns", async function () {
    const broker = await startAedes();
    brokers.push(broker);
    rg = rig();
    rg.r.start(config(broker.port));
    await rg.until("Active");
    rg.wifi.apDown();
    await events();
    assert.equal(rg.r.state(), "Disconnected");
    assert.ok(rg.lines.includes("[net] wifi: lost (beacon_timeout), retry in about 1s"), rg.lines.join("|"));
    await new Promise((r) => setTimeout(r, 900));
    assert.ok(rg.lines.includes("[net] wifi: no_ap_found, retry in about 2s"), rg.lines.join("|"));
    rg.wifi.apUp();
    await rg.until("Active", 5000);
    assert.equal(rg.actives, 2);
  });

  it("offline() says offline, then stops cleanly once acknowledged, and waits for connect(); forget() then config leaves by itself", async function () {
    const broker = await startAedes();
    brokers.push(broker);
    const statuses: string[] = [];
    broker.aedes.on("publish", (p: any) => p.topic.endsWith("/status") && statuses.push(String(p.payload)));
    rg = rig();
    rg.r.start(config(broker.port));
    await rg.until("Active");
    rg.r.offline();
    // The link stays until the broker acknowledged the goodbye.
    assert.equal(rg.r.state(), "Active");
    assert.deepEqual(rg.leaves, [config(broker.port)]);
    await rg.until("Offline");
    assert.equal(rg.wifi.station, "off");
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(Object.keys(broker.aedes.clients), []);
    // The node's own "online" and "offline", and no will after them.
    assert.deepEqual(statuses, ["online", "offline"]);
    // A config change while held does not leave Offline.
    rg.r.setConfig(config(broker.port, { topic: "other" }));
    assert.equal(rg.r.state(), "Offline");
    rg.r.connect();
    await rg.until("Active");
    rg.r.setConfig(undefined);
    await rg.until("Offline");
    assert.deepEqual(rg.leaves, [config(broker.port), undefined]);
    rg.r.connect();
    assert.equal(rg.lines[rg.lines.length - 1], "[net] no config: run setup()");
    rg.r.setConfig(config(broker.port));
    await rg.until("Active");
  });

  // Issue 20: a new broker left the node's retained "online" on the old one for good.
  it("reconnects with new broker settings while Active, once it said goodbye on the old broker", async function () {
    const a = await startAedes();
    const b = await startAedes();
    brokers.push(a, b);
    const statuses: string[] = [];
    a.aedes.on("publish", (p: any) => p.topic.endsWith("/status") && statuses.push(String(p.payload)));
    rg = rig();
    rg.r.start(config(a.port));
    await rg.until("Active");
    rg.r.setConfig(config(b.port));
    // The goodbye goes first, under the old settings; the new ones wait for the broker's PUBACK.
    assert.equal(rg.r.state(), "Active");
    assert.deepEqual(rg.leaves, [config(b.port)]);
    await rg.until("LookingForBroker");
    assert.deepEqual(statuses, ["online", "offline"]);
    await rg.until("Active");
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(Object.keys(a.aedes.clients), []);
    assert.deepEqual(Object.keys(b.aedes.clients), ["lightnode-test"]);
    // A Wi-Fi change rejoins from scratch.
    const joins = rg.wifi.calls.filter((c) => c.startsWith("connect")).length;
    rg.wifi.configure({ ssid: "other" });
    rg.r.setConfig(config(b.port, { ssid: "other" }));
    assert.equal(rg.leaves.length, 2);
    await rg.until("Disconnected");
    await rg.until("Active");
    assert.equal(rg.wifi.calls.filter((c) => c == "connect other").length, 1);
    assert.equal(rg.wifi.calls.filter((c) => c.startsWith("connect")).length, joins + 1);
  });

  it("times out a silent Wi-Fi join after 30 s", async function () {
    const clock = (fake = espruinoTimers(sinon));
    rg = rig(undefined, clock);
    rg.wifi.dhcp = false;
    rg.r.start(config(1));
    await clock.tickAsync(29999);
    assert.equal(rg.lines.length, 2);
    await clock.tickAsync(1);
    assert.equal(rg.lines[2], "[net] wifi: timeout, retry in about 1s");
    assert.equal(rg.wifi.calls[rg.wifi.calls.length - 1], "disconnect");
  });

  it("restarts the stack when not Active for 15 minutes, with the backoff reset", async function () {
    const clock = (fake = espruinoTimers(sinon));
    rg = rig(() => 0.5, clock);
    rg.wifi.apDown();
    rg.r.start(config(1));
    await clock.tickAsync(WATCHDOG - 1);
    const before = rg.lines.length;
    assert.ok(rg.lines[before - 1].endsWith("retry in about 60s"), rg.lines[before - 1]);
    await clock.tickAsync(1);
    assert.equal(rg.lines[before], "[net] watchdog");
    await clock.tickAsync(10);
    assert.equal(rg.lines[before + 1], "[net] wifi: no_ap_found, retry in about 1s");
  });

  it("never storms: retries over ten minutes of a missing AP stay few", async function () {
    const clock = (fake = espruinoTimers(sinon));
    rg = rig(Math.random, clock);
    rg.wifi.apDown();
    rg.r.start(config(1));
    await clock.tickAsync(600000);
    const joins = rg.wifi.calls.filter((c) => c.startsWith("connect")).length;
    assert.ok(joins >= 10 && joins <= 20, String(joins));
  });
});
