// A base topic beyond ASCII, typed at the console of the real interpreter as a terminal set to
// UTF-8 sends it (its UTF-8 bytes): the node subscribes and publishes on exactly that topic, a
// phone's command on it moves the relay, Home Assistant's discovery names it so, and config() shows
// it as typed. Typed as Latin-1 bytes instead, it is refused with the rule, and nothing is saved.
import { strict as assert } from "node:assert";
import { Board, forShapes, SAVED, sleep, WIFI } from "./harness";

const TOPIC = "küche/licht";
// What the terminal sends for it, one char per byte, as the interpreter's console reads it.
const typed = (s: string, encoding: BufferEncoding) => Buffer.from(s, encoding).toString("latin1");

forShapes(["4mb", "1mb"], "board: a UTF-8 base topic", function () {
  this.timeout(120000);
  let b: Board;
  const subscribed: string[] = [];

  before(async () => {
    b = await Board.start();
    b.broker.aedes.on("subscribe", (subs: any[]) => subs.forEach((s) => subscribed.push(s.topic)));
    b.phone.subscribe([TOPIC, TOPIC + "/#"]);
    await sleep(300);
  });
  after(async () => {
    if (b) await b.stop();
  });

  it("refuses the topic typed as Latin-1, saving nothing", async () => {
    b.i.skip();
    b.i.line(
      `config({ssid:"${WIFI.ssid}",password:"${WIFI.password}",broker:"127.0.0.1",port:${b.port},topic:"${typed("küche", "latin1")}"})`
    );
    await b.i.waitFor(/error: topic: UTF-8 text of 1-64 bytes, no \+ or # \(nothing saved\)/);
  });

  it("subscribes, obeys and publishes on the topic typed as UTF-8, and names it so to Home Assistant", async () => {
    const from = b.heard.length;
    b.i.skip();
    b.i.line(
      `config({ssid:"${WIFI.ssid}",password:"${WIFI.password}",broker:"127.0.0.1",port:${b.port},topic:"${typed(TOPIC, "utf8")}"})`
    );
    await b.i.waitFor(SAVED);
    await b.i.waitFor(/-> Active/, 20000);
    const end = Date.now() + 15000;
    while (!subscribed.includes(TOPIC)) {
      if (Date.now() > end)
        throw new Error("the broker has no subscription to " + TOPIC + ": " + subscribed.join(", "));
      await sleep(10);
    }
    // aedes tells of a subscription as it stores it: a message published that very moment can
    // still miss it (seen once, under load).
    await sleep(300);
    await b.publish(TOPIC, "on");
    while (!b.heard.slice(from).some((h) => h[0] === TOPIC + "/state" && h[1] === "on")) {
      if (Date.now() > end) throw new Error("the phone heard no 'on' on " + TOPIC + "/state");
      await sleep(10);
    }
    assert.equal(b.relay(), 1);
    const config = b.heard.slice(from).find((h) => /^homeassistant\/light\/.*\/config$/.test(h[0]));
    assert.ok(config, "no discovery config heard");
    // The phone's client hands payloads over as latin1 here: back to the bytes, read as UTF-8.
    const discovery = JSON.parse(Buffer.from(config[1], "latin1").toString("utf8"));
    assert.equal(discovery.cmd_t, TOPIC);
    assert.equal(discovery.stat_t, TOPIC + "/state");
    assert.equal(discovery.dev.name, TOPIC);
    assert.ok(b.heard.slice(from).some((h) => h[0] === TOPIC + "/status" && h[1] === "online"));
    // The console shows it as typed: its bytes, not Espruino's \u00XX escapes.
    b.i.skip();
    b.i.line("config()");
    await b.i.waitFor(new RegExp(`"topic":"${typed(TOPIC, "utf8")}"`));
  });
});
