// Issue 21 on the real interpreter, with the 4 MB layout (the loader and set a, as npm run flash
// writes a 4 MB board; the 1 MB layout has neither feature): the wall switch's gestures (the fake
// board's BENCH.flip moves the switch, its debounced level as Espruino's setWatch reports it), the
// relay's timing around them, telemetry on <base>/info, and Home Assistant's sensors and triggers.
// RAM: Active with both on within 650 + 15, no growth after gestures, and every step within the
// peak ceiling (a filler leaves exactly CEILINGS.peak free: a higher peak prints OUT OF MEMORY).
import { strict as assert } from "node:assert";
import { Board, forShapes, SAVED, sleep, step, TOPIC } from "./harness";
import { CEILINGS } from "./ceilings";
import {
  DEVICE_FIELDS,
  expandDiscovery,
  SENSOR_FIELDS,
  TRIGGER_FIELDS,
  TRIGGER_SUBTYPES,
  TRIGGER_TYPES
} from "../light/ha";

// The light saves its state 3 s after its last change (SAVE_MS in src/light/app.ts).
const SETTLE_MS = 3500;
// src/gesture/gesture.ts: the double-press window and the hold time.
const WINDOW_MS = 300;
const HOLD_MS = 1000;
const ACTION = TOPIC + "/action";
// Home Assistant's six extra configs go one per client tick (500 ms) after the light's
// (src/light/app.ts, announce()).
const EXTRAS_MS = 6 * 500 + 500;

forShapes(["4mb"], "board: gestures and telemetry (4 MB layout)", function () {
  this.timeout(300000);
  let b: Board;
  let id = "";
  let active = 0;

  before(async () => {
    b = await Board.start({ layout: "storage-4mb", fill: CEILINGS.peak });
    await b.configure(`,mode:"button",gestures:true,tele:1`);
    // The node's client id, from its light's discovery topic.
    for (let n = 0; !id && n < 500; n++) {
      const light = b.heard.find((h) => /^homeassistant\/light\/[^/]+\/config$/.test(h[0]) && h[1]);
      if (light) id = light[0].split("/")[2];
      else await sleep(10);
    }
  });
  after(async () => {
    if (b) await b.stop();
  });

  // The node's console line, once it answered `saved`.
  async function config(fields: string): Promise<void> {
    b.i.skip();
    b.i.line(`config({${fields}})`);
    await b.i.waitFor(SAVED);
  }

  // What the phone heard on `topic` from `from` on.
  const heardOn = (topic: string, from: number) =>
    b.heard
      .slice(from)
      .filter((h) => h[0] === topic)
      .map((h) => h[1]);

  // The broker's retained message on `topic`, if any (from its own store).
  function retained(topic: string): Promise<string | null> {
    return new Promise((resolve, reject) => {
      let got: string | null = null;
      b.broker.aedes.persistence
        .createRetainedStream(topic)
        .on("data", (p: any) => (got = p.payload.toString("latin1")))
        .on("end", () => resolve(got))
        .on("error", reject);
    });
  }

  // Moves the switch `n` times, one every `ms` (press, release, press...), in one console line;
  // resolves when the last has been heard by the firmware (the fake prints #F), with that time.
  async function flips(n: number, ms: number): Promise<number> {
    b.i.skip();
    await b.i.eval(`BENCH.flips(${n},${ms}),1`);
    return (await b.i.waitFor(/#F/, 10000)).at;
  }

  step(
    () => b,
    `with gestures and telemetry on, Active uses at most ${CEILINGS.active} + 15 variables, and Home Assistant gets the RSSI and uptime sensors and the three triggers`,
    async () => {
      await sleep(SETTLE_MS);
      active = await b.firmwareUsage();
      console.log(`      (the loader's tick: ${await b.i.eval("typeof LNT")})`);
      console.log(`      firmware alone, 4 MB layout, gestures on, tele 1 s: Active ${active} variables`);
      assert.ok(active <= CEILINGS.active + 15, `Active uses ${active} variables, over ${CEILINGS.active} + 15`);

      for (const [key, unit, deviceClass, stateClass] of [
        ["rssi", "dBm", "signal_strength", "measurement"],
        ["uptime", "s", "duration", "total_increasing"]
      ]) {
        const got = b.heard.filter((h) => h[0] === `homeassistant/sensor/${id}/${key}/config` && h[1]);
        assert.ok(got.length > 0, `the ${key} sensor is announced`);
        assert.equal(await retained(got[0][0]), got[0][1], "retained");
        const d = expandDiscovery(got[0][1], true);
        for (const k of Object.keys(d)) assert.ok(SENSOR_FIELDS.includes(k), k);
        for (const k of Object.keys(d.device)) assert.ok(DEVICE_FIELDS.includes(k), k);
        assert.deepEqual(d, {
          name: key == "rssi" ? "RSSI" : "Uptime",
          unique_id: `${id}_${key}`,
          state_topic: TOPIC + "/info",
          value_template: `{{value_json.${key}}}`,
          unit_of_measurement: unit,
          device_class: deviceClass,
          state_class: stateClass,
          entity_category: "diagnostic",
          availability_topic: TOPIC + "/status",
          device: { identifiers: [id] }
        });
      }
      for (const [said, type] of [
        ["single", "button_short_press"],
        ["double", "button_double_press"],
        ["hold", "button_long_press"]
      ]) {
        const got = b.heard.filter((h) => h[0] === `homeassistant/device_automation/${id}/${said}/config` && h[1]);
        assert.ok(got.length > 0, `the ${said} trigger is announced`);
        const d = expandDiscovery(got[0][1], true);
        for (const k of Object.keys(d)) assert.ok(TRIGGER_FIELDS.includes(k), k);
        assert.deepEqual(d, {
          automation_type: "trigger",
          topic: ACTION,
          payload: said,
          type,
          subtype: "button_1",
          device: { identifiers: [id] }
        });
        assert.ok(TRIGGER_TYPES.includes(d.type) && TRIGGER_SUBTYPES.includes(d.subtype), "named by the editor");
      }
    }
  );

  step(
    () => b,
    "button mode: a single press says single and switches the light once the double-press window has passed",
    async () => {
      await b.fillNow();
      const from = b.heard.length;
      const was = b.relay();
      b.i.skip();
      const released = await flips(2, 100);
      const m = await b.i.waitFor(/#R([01])/, 5000);
      console.log(`      the relay switched ${Math.round(m.at - released)} ms after the release`);
      assert.equal(+m[1], 1 - was);
      assert.ok(m.at - released >= WINDOW_MS - 30, `switched ${m.at - released} ms after the release`);
      await sleep(300);
      assert.deepEqual(heardOn(TOPIC + "/state", from), [was ? "off" : "on"]);
      assert.deepEqual(heardOn(ACTION, from), ["single"]);
      assert.deepEqual(heardOn(TOPIC, from), [was ? "off" : "on"], "the flip, published once");
      assert.equal(await retained(ACTION), null, "not retained");
    }
  );

  step(
    () => b,
    "a double press says double, and leaves the light as it was",
    async () => {
      await b.fillNow();
      const from = b.heard.length;
      const was = b.relay();
      const writes = b.i.output.length;
      await flips(4, 80);
      await sleep(WINDOW_MS + 500);
      assert.deepEqual(heardOn(ACTION, from), ["double"]);
      assert.doesNotMatch(b.i.output.slice(writes), /#R/, "the relay untouched");
      assert.equal(b.relay(), was);
    }
  );

  step(
    () => b,
    "a press held 1 s says hold while held, and leaves the light as it was; its release says nothing",
    async () => {
      await b.fillNow();
      const from = b.heard.length;
      const writes = b.i.output.length;
      await b.i.eval("BENCH.flip(0),1");
      const held = Date.now();
      assert.equal(await b.hear(ACTION, 3000), "hold");
      const after = Date.now() - held;
      assert.ok(after >= HOLD_MS - 50, `hold said ${after} ms after the press`);
      await b.i.eval("BENCH.flip(1),1");
      await sleep(WINDOW_MS + 500);
      assert.deepEqual(heardOn(ACTION, from), ["hold"]);
      assert.doesNotMatch(b.i.output.slice(writes), /#R/, "the relay untouched");
    }
  );

  step(
    () => b,
    `no growth over gestures, and a gesture within ${CEILINGS.peak} variables`,
    async () => {
      await b.fillNow();
      await sleep(SETTLE_MS);
      const before = await b.firmwareUsage();
      await flips(2, 100);
      await sleep(WINDOW_MS + 200);
      await flips(4, 80);
      await sleep(WINDOW_MS + 200);
      await b.i.eval("BENCH.flip(0),1");
      await b.hear(ACTION, 3000);
      await b.i.eval("BENCH.flip(1),1");
      await sleep(SETTLE_MS);
      const after = await b.firmwareUsage();
      // The highest reading of the fake's 5 ms sampler during a double press (the filler proves
      // the ceiling; this says how far below it). After the growth's figures: the sampler's own
      // values stay.
      await b.i.eval("BENCH.peak=0,BENCH.sample(true),1");
      await flips(4, 80);
      await sleep(WINDOW_MS + 200);
      const offset = (await b.i.usage()) - (await b.firmwareUsage());
      const peak = (await b.i.eval("BENCH.sample(false),BENCH.peak")) - offset;
      console.log(
        `      over a single, a double and a hold: ${before} -> ${after} variables; a double press: highest sampled ${peak} (the sampler's own included)`
      );
      assert.ok(after - before <= CEILINGS.growth, `grew by ${after - before} variables`);
    }
  );

  step(
    () => b,
    "gestures off (the default): a press switches the light at once and says nothing; the triggers are removed",
    async () => {
      const from = b.heard.length;
      await config("gestures:false");
      // Discovery's extras go one per half-second tick after a change: the last is the hold's.
      await sleep(EXTRAS_MS);
      for (const said of ["single", "double", "hold"])
        assert.deepEqual(heardOn(`homeassistant/device_automation/${id}/${said}/config`, from), [""], said);
      const was = b.relay();
      b.i.skip();
      await b.i.eval("BENCH.flips(2,100),1");
      const m = await b.i.waitFor(/#R([01])|#F/);
      assert.equal(m[1], String(1 - was), "the relay switched before the release");
      await b.i.waitFor(/#F/);
      await sleep(WINDOW_MS + 300);
      assert.deepEqual(heardOn(ACTION, from), []);
    }
  );

  step(
    () => b,
    "detached mode: gestures said, every flip published as now, the relay kept on",
    async () => {
      await config(`mode:"detached",gestures:true`);
      const from = b.heard.length;
      await flips(2, 100);
      await sleep(WINDOW_MS + 300);
      assert.deepEqual(heardOn(ACTION, from), ["single"]);
      assert.equal(heardOn(TOPIC, from).length, 2, "each flip published");
      assert.equal(b.relay(), 1);
    }
  );

  step(
    () => b,
    "toggle mode: each flip switches at once, no gestures, no triggers",
    async () => {
      const from = b.heard.length;
      await config(`mode:"toggle"`);
      await sleep(EXTRAS_MS);
      assert.deepEqual(heardOn(`homeassistant/device_automation/${id}/single/config`, from), [""]);
      const was = b.relay();
      b.i.skip();
      await b.i.eval("BENCH.flip(1-BENCH.level),1");
      assert.equal(+(await b.i.waitFor(/#R([01])/))[1], 1 - was);
      await sleep(WINDOW_MS + 300);
      assert.deepEqual(heardOn(ACTION, from), []);
    }
  );

  step(
    () => b,
    "telemetry: <base>/info again every tele seconds (uptime, RSSI, free variables, reconnects); after a lost link, the last error and when",
    async () => {
      // After the last change of configuration, discovery's extras have gone (telemetry's count
      // starts after them).
      await sleep(EXTRAS_MS);
      let from = b.heard.length;
      await sleep(3300);
      const infos = heardOn(TOPIC + "/info", from).map((p) => JSON.parse(p));
      assert.ok(infos.length >= 3 && infos.length <= 4, `${infos.length} in 3.3 s at tele 1`);
      for (const i of infos) for (const k of ["uptime", "rssi", "free", "reconnects"]) assert.ok(k in i, k);
      assert.ok(infos[infos.length - 1].uptime - infos[0].uptime >= 2);
      const kept = await retained(TOPIC + "/info");
      assert.ok(heardOn(TOPIC + "/info", from).includes(kept!), "retained");
      assert.equal(infos[0].last_error, undefined, "no failure yet");

      from = b.heard.length;
      await b.reconnect();
      // The info of the new connection.
      for (let n = 0; !heardOn(TOPIC + "/info", from).length && n < 500; n++) await sleep(10);
      const i = JSON.parse(heardOn(TOPIC + "/info", from).pop()!);
      assert.equal(i.last_error, "mqtt: connection lost");
      assert.ok(i.last_error_at > 0 && i.last_error_at <= i.uptime, JSON.stringify(i));
      assert.equal(i.reconnects, 1);

      await config("tele:0");
      from = b.heard.length;
      await sleep(2500);
      assert.deepEqual(heardOn(TOPIC + "/info", from), [], "tele 0: only at connect");
    }
  );

  step(
    () => b,
    "without the gestures' file (damaged flash), a press switches at once: the light never depends on it",
    async () => {
      await config(`mode:"button",gestures:true`);
      await b.i.eval(`require("Storage").erase("ln.a.gst"),1`);
      // The button let go (the toggle step left the input low), as a push button rests.
      await b.i.eval("BENCH.flip(1),1");
      const from = b.heard.length;
      const was = b.relay();
      b.i.skip();
      await b.i.eval("BENCH.flips(2,100),1");
      const m = await b.i.waitFor(/#R([01])|#F/);
      assert.equal(m[1], String(1 - was), "the relay switched before the release");
      await sleep(WINDOW_MS + 300);
      assert.deepEqual(heardOn(ACTION, from), []);
    }
  );
});
