// Nothing secret leaves the console for the web page: the board's console as `/events` serves it
// (what `curl -N http://127.0.0.1:8080/events` shows), read over real HTTP while passwords are
// typed key by key at the simulator's terminal-mode REPL, as `npm start` runs it.
import { strict as assert } from "node:assert";
import { Simulator } from "../../sim/simulator";
import { BoardView } from "../../sim/board-view";
import { startWeb, WebServer } from "../../sim/web";
import { startAedes, RunningBroker } from "../support/brokers";
import { AP } from "../support/node";

const PINS = require("../../espruino.config.js").pins;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Secrets with no common word in them, so that any 4 characters of one in the feed are a leak.
const WIFI = "Zq8#vX!k2w";
const MQTT = "J7u%pQ$e9r";
const SETUP_WIFI = "Hk3^Wb&n5t";
const SETUP_MQTT = "Yc6~Lm*d4s";
const TYPO = "Xyzzy";

interface Feed {
  // The console text the page got so far (the snapshot's and every console event's).
  text(): string;
  close(): void;
}

async function openFeed(url: string): Promise<Feed> {
  const abort = new AbortController();
  const res = await fetch(url + "events", { signal: abort.signal });
  assert.equal(res.status, 200);
  let raw = "";
  let text = "";
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        raw += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = raw.indexOf("\n\n")) >= 0) {
          const event = raw.slice(0, end);
          raw = raw.slice(end + 2);
          if (!event.startsWith("data: ")) continue;
          const e = JSON.parse(event.slice(6));
          if (e.t === "console") text += e.text;
          else if (e.t === "snapshot") text += e.console;
        }
      }
    } catch (e) {
      // aborted
    }
  })();
  return { text: () => text, close: () => abort.abort() };
}

// Every 4-character piece of each secret: a partial line leaks one of them.
function assertNoSecret(text: string, secrets: string[]): void {
  for (const s of secrets) {
    for (let i = 0; i + 4 <= s.length; i++) {
      const piece = s.slice(i, i + 4);
      assert.ok(text.indexOf(piece) < 0, `the page got ${JSON.stringify(piece)} of a secret:\n${text}`);
      assert.ok(
        text.indexOf(JSON.stringify(piece).slice(1, -1)) < 0,
        `the page got ${JSON.stringify(piece)} of a secret, escaped:\n${text}`
      );
    }
  }
}

describe("web: no secret reaches the page's console feed", function () {
  this.timeout(30000);
  let broker: RunningBroker;
  let sim: Simulator;
  let view: BoardView;
  let web: WebServer;
  let feed: Feed;

  beforeEach(async () => {
    broker = await startAedes();
    sim = await Simulator.start({ inputs: { D0: true }, terminal: true });
    view = new BoardView(sim, PINS);
    web = await startWeb({
      host: "127.0.0.1",
      port: 0,
      mqttUrl: "ws://127.0.0.1:9",
      topic: "living_room_lights",
      board: view
    });
    feed = await openFeed(web.url);
    await sim.waitFor(/lightnode \d/);
  });
  afterEach(async () => {
    feed.close();
    await web.close();
    view.close();
    await sim.stop();
    await broker.close();
  });

  // Keys one by one, as a person types them, letting the event loop run between them.
  async function keys(chars: string): Promise<void> {
    for (const ch of chars) {
      sim.typeRaw(ch);
      await sleep(2);
    }
  }

  async function settle(): Promise<void> {
    await sleep(100);
  }

  it("config() with password and pass, typed key by key: not while typed, not entered, not printed back", async () => {
    const line = `config({ssid:"${AP.ssid}", password:"${WIFI}", broker:"127.0.0.1", port:${broker.port}, user:"node", pass:"${MQTT}"})`;
    // Half the line, then the board prints something (the REPL puts the typed half back under it).
    const half = line.indexOf(WIFI) + 5;
    await keys(line.slice(0, half));
    await settle();
    assertNoSecret(feed.text(), [WIFI]);
    sim.eval('print("tick")');
    await settle();
    assert.match(
      sim.output,
      new RegExp("tick\\n>" + line.slice(0, half).replace(/[(){}$^*+?.[\]|\\]/g, "\\$&") + "$"),
      "the REPL puts the line back"
    );
    assertNoSecret(feed.text(), [WIFI]);
    // A typo rubbed out, then the rest and Enter.
    await keys("x\x7f" + line.slice(half) + "\r");
    await sim.waitFor(/saved/);
    await settle();
    // The typist's terminal shows it all; the page, which command was typed.
    assert.ok(
      sim.output.indexOf(WIFI.slice(0, 5)) >= 0 && sim.output.indexOf(MQTT) >= 0,
      "echoed on the terminal:\n" + sim.output
    );
    assert.match(feed.text(), />config\(…\)\n/);
    assert.match(feed.text(), /saved/);
    // What the board prints back holds them too: the record in flash, the Wi-Fi details.
    await keys('require("Storage").read("cfg.0")+require("Storage").read("cfg.1")\r');
    await keys("Wifi.getDetails()\r");
    await keys('print(require("Storage").read("cfg.0"), require("Storage").read("cfg.1"))\r');
    await keys("config()\r");
    await settle();
    assert.ok(
      sim.printed.indexOf(WIFI) >= 0 && sim.printed.indexOf(MQTT) >= 0,
      "the board printed them (the test reads them back)"
    );
    assertNoSecret(feed.text(), [WIFI, MQTT, AP.password]);
    // A page opened now gets the console so far in its snapshot: the same masked text.
    const late = await openFeed(web.url);
    await settle();
    late.close();
    assert.match(late.text(), /saved/);
    assertNoSecret(late.text(), [WIFI, MQTT, AP.password]);
  });

  it("a statement over several lines, a line dropped with Ctrl-C, and a password typed at the prompt by mistake", async () => {
    await keys(`config({ssid:"${AP.ssid}",\r`);
    await keys(`password:\r"${WIFI}",\r`);
    await keys(`broker:"127.0.0.1"})\r`);
    await sim.waitFor(/saved/);
    await keys(`var p = "${MQTT}`);
    sim.eval('print("tick")');
    await keys("\x03");
    // The wizard's question was lost (Enter at "ssid:" quits it): the answer lands at the prompt.
    await keys(`purple ${TYPO}\r`);
    await sim.waitFor(/Uncaught SyntaxError/);
    await settle();
    assert.ok(sim.output.indexOf(TYPO, sim.output.indexOf("Uncaught")) >= 0, "the REPL's error names the word");
    assert.match(feed.text(), /Uncaught SyntaxError: /);
    assertNoSecret(feed.text(), [WIFI, MQTT, TYPO]);
  });

  it("setup(): neither the Wi-Fi nor the MQTT password, also when its answer is refused", async () => {
    await keys("setup()\r");
    await sim.waitFor(/ssid[^\n]*: $/);
    await keys(AP.ssid + "\r");
    await sim.waitFor(/password[^\n]*: $/);
    await keys("short\r");
    await sim.waitFor(/error: password/);
    await keys(SETUP_WIFI + "\r");
    await sim.waitFor(/broker[^\n]*: $/);
    await keys("127.0.0.1\r");
    await sim.waitFor(/port[^\n]*: $/);
    await keys(broker.port + "\r");
    await sim.waitFor(/id[^\n]*: $/);
    await keys("\r");
    await sim.waitFor(/user[^\n]*: $/);
    await keys("node\r");
    await sim.waitFor(/pass[^\n]*: $/);
    await keys(SETUP_MQTT + "\r");
    await sim.waitFor(/saved/);
    await keys('require("Storage").read("cfg.0")+require("Storage").read("cfg.1")\r');
    await settle();
    assert.ok(sim.printed.indexOf(SETUP_MQTT) >= 0, "the board printed the record back");
    assert.match(feed.text(), /pass[^\n]*: /);
    assertNoSecret(feed.text(), [SETUP_WIFI, SETUP_MQTT, "short"]);
  });
});
