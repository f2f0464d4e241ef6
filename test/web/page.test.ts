// The web page in a real browser (Debian's Chromium via playwright-core): the phone app talking
// MQTT over WebSocket to a real broker, the simulated board panel fed by the page's server, the
// firmware (build/firmware.js) in the simulator, all over loopback TCP.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createServer, Server, Socket } from "node:net";
import type { Page } from "playwright-core";
import { Simulator } from "../../sim/simulator";
import { BoardView } from "../../sim/board-view";
import { startWeb, WebServer } from "../../sim/web";
import { startAedes, startMosquitto, requireMosquitto, freePort } from "../support/brokers";
import { bringUp } from "../support/node";
import { requireChromium, launch, Browser } from "../support/browser";

const BASE = "living_room_lights";
const PINS = require("../../espruino.config.js").pins;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, test: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await sleep(10);
  }
}

// Waits until the element's text matches; returns how long it took.
async function seeText(page: Page, selector: string, re: RegExp, ms = 5000): Promise<number> {
  const t0 = Date.now();
  try {
    await page.waitForFunction(
      ([sel, src, flags]) => new RegExp(src, flags).test(document.querySelector(sel)!.textContent || ""),
      [selector, re.source, re.flags] as const,
      { timeout: ms, polling: 20 }
    );
  } catch (err) {
    const now = await page
      .locator(selector)
      .textContent()
      .catch(() => "?");
    throw new Error(`${selector}: ${re} not seen within ${ms} ms (it says ${JSON.stringify(now)})`);
  }
  return Date.now() - t0;
}

describe("web: the page in a real browser", function () {
  this.timeout(40000);
  let browser: Browser;
  let broker: Awaited<ReturnType<typeof startAedes>>;
  let sim: Simulator;
  let view: BoardView;
  let web: WebServer;
  // Everything the pages published (client ids lightnode-web-...), for the "sends nothing else" rule.
  let sent: Array<{ topic: string; payload: string }>;

  before(async function () {
    requireChromium(this);
    browser = await launch();
  });
  after(async () => browser && browser.close());

  function recordPages(aedes: any): void {
    aedes.on(
      "publish",
      (p: any, c: any) =>
        c && /^lightnode-web-/.test(c.id) && sent.push({ topic: p.topic, payload: p.payload.toString() })
    );
  }

  beforeEach(async () => {
    sent = [];
    broker = await startAedes({ wsPort: 0 });
    recordPages(broker.aedes);
    sim = await Simulator.start({ inputs: { D0: true }, silentCloseMs: 300 });
    view = new BoardView(sim, PINS);
    web = await startWeb({ host: "127.0.0.1", port: 0, mqttUrl: broker.wsUrl!, topic: BASE, board: view });
  });
  afterEach(async () => {
    for (const p of browser.context.pages()) await p.close();
    await web.close();
    view.close();
    await sim.stop();
    await broker.close();
    const bad = sent.filter((s) => s.topic !== BASE || ["on", "off", "toggle"].indexOf(s.payload) < 0);
    assert.deepEqual(bad, [], "the page published something other than on/off/toggle on " + BASE);
  });

  async function open(): Promise<Page> {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    (page as any).errors = errors;
    await page.goto(web.url);
    await seeText(page, "#banner", /Connected to the broker/);
    return page;
  }

  async function activeNode(): Promise<void> {
    await bringUp(sim, broker);
  }

  it("the light control switches the simulated relay, and both panels show it", async () => {
    await activeNode();
    const page = await open();
    await seeText(page, "#light-state", /^Light off$/);
    await seeText(page, "#avail", /^online$/);
    await page.click("#light");
    await until("relay on", () => sim.pins.level(PINS.relay));
    await seeText(page, "#light-state", /^Light on$/);
    await seeText(page, "#relay", /^on$/);
    assert.equal(await page.getAttribute("#light", "aria-pressed"), "true");
    await page.click("#light");
    await until("relay off", () => !sim.pins.level(PINS.relay));
    await seeText(page, "#light-state", /^Light off$/);
    assert.deepEqual(sent, [
      { topic: BASE, payload: "on" },
      { topic: BASE, payload: "off" }
    ]);
    await seeText(page, "#states .current", /^Active$/);
    await seeText(page, "#console", /LookingForBroker -> Active/);
    assert.deepEqual((page as any).errors, []);
  });

  it("the board panel shows the firmware's version, and on a 4 MB board its set and an update's state", async () => {
    const version = require("../../package.json").version;
    await activeNode();
    let page = await open();
    await seeText(page, "#firmware", new RegExp("^" + version.replace(/\./g, "\\.") + "$"));
    await seeText(page, "#update", /needs a 4 MB board/);
    await page.close();
    // The same page over the 4 MB layout (npm start's board), updated with npm run ota.
    await web.close();
    view.close();
    await sim.stop();
    sim = await Simulator.start({ layout: "build/storage-4mb", inputs: { D0: true }, silentCloseMs: 300 });
    view = new BoardView(sim, PINS);
    web = await startWeb({ host: "127.0.0.1", port: 0, mqttUrl: broker.wsUrl!, topic: BASE, board: view });
    const key = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    await bringUp(sim, broker, `key:"${key}"`);
    page = await open();
    await seeText(page, "#firmware", /\(set a\)$/);
    const dir = mkdtempSync(path.join(tmpdir(), "lightnode-page-"));
    try {
      writeFileSync(path.join(dir, "k"), key, { mode: 0o600 });
      const child = spawn(process.execPath, [
        "scripts/ota.mjs",
        "--broker",
        broker.url,
        "--key-file",
        path.join(dir, "k"),
        "--timeout",
        "60"
      ]);
      const code = await new Promise((r) => child.on("exit", r));
      assert.equal(code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await seeText(page, "#update", /^confirmed /);
    await seeText(page, "#firmware", /\(set b\)$/);
    assert.deepEqual((page as any).errors, []);
  });

  it("a .switch flip shows on the page within a second; the board's own switch control works too", async () => {
    await activeNode();
    const page = await open();
    await seeText(page, "#light-state", /^Light off$/);
    // What the CLI's .switch does: the wall switch to its other position, with contact bounce.
    const t0 = Date.now();
    void sim.pins.bounce(PINS.button, !sim.pins.level(PINS.button));
    await seeText(page, "#flip", /^on at \d\d:\d\d:\d\d$/, 1000);
    await seeText(page, "#light-state", /^Light on$/, 1000 - (Date.now() - t0));
    assert.ok(Date.now() - t0 <= 1000, `shown after ${Date.now() - t0} ms`);
    await page.click("#switch");
    await until("relay off", () => !sim.pins.level(PINS.relay));
    await seeText(page, "#flip", /^off at /);
    await seeText(page, "#light-state", /^Light off$/);
    assert.equal(await page.getAttribute("#switch", "role"), "switch");
  });

  it("taking the access point down shows the node offline through its will, and online again after", async () => {
    await activeNode();
    const page = await open();
    await seeText(page, "#avail", /^online$/);
    await page.click("#ap");
    await until("AP down", () => !sim.wifi.up);
    await seeText(page, "#ap-label", /^down$/);
    await seeText(page, "#avail", /^offline$/, 10000);
    await seeText(page, "#states .current", /^(Disconnected|LookingForBroker)$/);
    await page.click("#ap");
    await seeText(page, "#avail", /^online$/, 20000);
    await seeText(page, "#states .current", /^Active$/);
    await seeText(page, "#ap-label", /^up$/);
  });

  it("a reload shows the right state at once (retained)", async () => {
    await activeNode();
    const page = await open();
    await page.click("#light");
    await seeText(page, "#light-state", /^Light on$/);
    // Every text the control shows from the first moment of the reloaded page.
    await page.addInitScript(() => {
      const w = window as any;
      w.shown = [];
      document.addEventListener("DOMContentLoaded", () => {
        const el = document.getElementById("light-state")!;
        w.shown.push(el.textContent);
        new MutationObserver(() => w.shown.push(el.textContent)).observe(el, {
          childList: true,
          characterData: true,
          subtree: true
        });
      });
    });
    const t0 = Date.now();
    await page.reload();
    await seeText(page, "#light-state", /^Light on$/, 2000);
    assert.ok(Date.now() - t0 < 2000, `state after ${Date.now() - t0} ms`);
    const shown: string[] = await page.evaluate(() => (window as any).shown);
    assert.ok(!shown.includes("Light off"), "showed a wrong state first: " + shown.join(", "));
    assert.equal(shown[shown.length - 1], "Light on");
    await seeText(page, "#avail", /^online$/, 500);
  });

  it("loading says it is connecting, never shows an error first", async () => {
    await activeNode();
    const page = await browser.context.newPage();
    // Every look the banner has from the first moment of the page.
    await page.addInitScript(() => {
      const w = window as any;
      w.banners = [];
      document.addEventListener("DOMContentLoaded", () => {
        // (No named function here: the test's compiler would wrap it in a helper the page lacks.)
        const el = document.getElementById("banner")!;
        w.banners.push(el.className + " | " + el.textContent);
        new MutationObserver(() => w.banners.push(el.className + " | " + el.textContent)).observe(el, {
          childList: true,
          characterData: true,
          subtree: true,
          attributes: true
        });
      });
    });
    await page.goto(web.url);
    await seeText(page, "#banner", /Connected to the broker/);
    const banners: string[] = await page.evaluate(() => (window as any).banners);
    const before = banners.slice(
      0,
      banners.findIndex((b) => /Connected/.test(b))
    );
    assert.ok(before.length > 0, "the banner said nothing before Connected: " + JSON.stringify(banners));
    for (const b of before) {
      assert.doesNotMatch(
        b,
        /\bdown\b|No answer|lost|Retrying/,
        "an error before the first connection: " + banners.join(" / ")
      );
      assert.match(b, /Connecting to the broker/);
    }
    // Connecting is not styled as an error: not the error's colour.
    await page.reload();
    const colour = await page.evaluate(() => {
      const b = document.getElementById("banner")!;
      const probe = document.createElement("div");
      probe.className = "banner down";
      document.body.appendChild(probe);
      const c = [getComputedStyle(b).color, getComputedStyle(probe).color, b.className];
      probe.remove();
      return c;
    });
    if (!/up/.test(colour[2])) assert.notEqual(colour[0], colour[1], "Connecting... in the error's colour");
  });

  it("an offline node cannot be switched; a command the node did not confirm is marked not delivered", async () => {
    await activeNode();
    const page = await open();
    await seeText(page, "#light-state", /^Light off$/);
    await page.click("#light");
    await seeText(page, "#light-state", /^Light on$/);
    await seeText(page, "#light-hint", /^press to switch off$/);
    // The access point goes: the node cannot hear the next command, though its will is not out yet.
    sim.wifi.apDown();
    await page.click("#light");
    await seeText(page, "#light-hint", /“off” not delivered/, 8000);
    await seeText(page, "#avail", /^offline$/, 10000);
    await seeText(page, "#light-hint", /^node offline: it cannot be switched \(“off” not delivered\)$/);
    assert.equal(await page.isDisabled("#light"), true, "an offline node's control is live");
    assert.equal(sim.pins.level(PINS.relay), true);
    // Back online: the light is still on, and the page does not pretend otherwise.
    sim.wifi.apUp();
    await seeText(page, "#avail", /^online$/, 20000);
    assert.equal(await page.isDisabled("#light"), false);
    await seeText(page, "#light-state", /^Light on$/);
    await seeText(page, "#light-hint", /“off” not delivered/);
    await page.click("#light");
    await until("relay off", () => !sim.pins.level(PINS.relay));
    await seeText(page, "#light-hint", /^press to switch on$/);
  });

  it("the board panel notices that the simulator stopped", async () => {
    await activeNode();
    const page = await open();
    await page.click("#light");
    await seeText(page, "#relay", /^on$/);
    await seeText(page, "#states .current", /^Active$/);
    assert.equal(await page.isDisabled("#switch"), false);
    assert.equal(await page.isHidden("#board-status"), true, "a stop notice while the simulator runs");
    await web.close();
    view.close();
    await sim.stop();
    await seeText(page, "#board-status", /simulator stopped/i, 8000);
    assert.equal(await page.isDisabled("#switch"), true, "the wall switch is still live");
    assert.equal(await page.isDisabled("#ap"), true, "the access point control is still live");
    assert.equal(await page.locator("#states .current").count(), 0, "a state is still lit");
    await seeText(page, "#relay", /^\?$/);
    await seeText(page, "#led", /^\?$/);
  });

  it("two tabs stay in step", async () => {
    await activeNode();
    const a = await open();
    const b = await open();
    await a.click("#light");
    await seeText(b, "#light-state", /^Light on$/);
    await b.click("#light");
    await seeText(a, "#light-state", /^Light off$/);
    await until("relay off", () => !sim.pins.level(PINS.relay));
    assert.deepEqual(
      sent.map((s) => s.payload),
      ["on", "off"]
    );
  });

  it("survives the broker restarting: says so while it is gone, then works again", async () => {
    await activeNode();
    const page = await open();
    await seeText(page, "#light-state", /^Light off$/);
    const port = broker.port;
    const wsPort = broker.wsPort!;
    await broker.close();
    await seeText(page, "#banner", /Connection to the broker lost at ws:\/\/127\.0\.0\.1:\d+.*Retrying/);
    assert.equal(await page.isDisabled("#light"), true, "the control is off while there is no broker");
    await sleep(1500);
    broker = await startAedes({ port, wsPort });
    recordPages(broker.aedes);
    await seeText(page, "#banner", /Connected to the broker/, 10000);
    await sim.waitFor(/LookingForBroker -> Active/, 20000);
    await seeText(page, "#avail", /^online$/);
    await page.click("#light");
    await until("relay on", () => sim.pins.level(PINS.relay));
    await seeText(page, "#light-state", /^Light on$/);
  });

  it("sends only on, off or toggle on <base>, whatever is clicked", async () => {
    const page = await open();
    // No node yet: the state is not known, so the control toggles.
    await seeText(page, "#light-state", /^Light \?$/);
    await page.click("#light");
    await until("toggle sent", () => sent.length === 1);
    await activeNode();
    await seeText(page, "#light-state", /^Light (on|off)$/);
    for (let i = 0; i < 3; i++) {
      const before = await page.textContent("#light-state");
      await page.click("#light");
      await page.waitForFunction((t) => document.getElementById("light-state")!.textContent !== t, before);
    }
    await page.click("#switch");
    await page.click("#ap");
    await page.click("#ap");
    await sleep(300);
    assert.equal(sent[0].payload, "toggle");
    assert.equal(sent.length, 4);
    assert.ok(
      sent.every((s) => s.topic === BASE && ["on", "off", "toggle"].indexOf(s.payload) >= 0),
      JSON.stringify(sent)
    );
  });

  it("at 360 px wide: no sideways scrolling, keyboard works, nothing moves when the state changes", async () => {
    await activeNode();
    const phone = await launch(360, 740);
    try {
      const page = await phone.context.newPage();
      await page.goto(web.url);
      await seeText(page, "#light-state", /^Light off$/);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), "wider than the screen");
      // Each state's name on one line, whole, also lit as the current one (bold): "LookingForBroker",
      // not "LookingForBroke / r". Each is given the current state's look in turn, to measure it.
      const lines = await page.evaluate(() =>
        Array.from(document.querySelectorAll("#states li")).map((li) => {
          const was = li.className;
          li.className = "current";
          const range = document.createRange();
          range.selectNodeContents(li);
          const rows = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
          const whole = li.scrollWidth <= li.clientWidth;
          li.className = was;
          return li.textContent + ": " + rows + (whole ? "" : " (cut)");
        })
      );
      assert.deepEqual(lines, ["Offline: 1", "Disconnected: 1", "LookingForBroker: 1", "Active: 1"]);
      const boxes = () =>
        page.evaluate(() =>
          ["#light", "#avail", "#flip", "#banner", "#board", "#switch", "#console"].map((s) =>
            JSON.stringify(document.querySelector(s)!.getBoundingClientRect())
          )
        );
      const before = await boxes();
      // Keyboard only: Tab to the light control, Space switches it.
      let focused = "";
      for (let i = 0; i < 5 && focused !== "light"; i++) {
        await page.keyboard.press("Tab");
        focused = await page.evaluate(() => document.activeElement!.id);
      }
      assert.equal(focused, "light");
      await page.keyboard.press("Space");
      await until("relay on", () => sim.pins.level(PINS.relay));
      await seeText(page, "#light-state", /^Light on$/);
      await seeText(page, "#flip", /no flip seen yet/);
      await page.waitForTimeout(200);
      assert.deepEqual(await boxes(), before, "the layout moved");
      // The board's wall switch by keyboard too.
      await page.focus("#switch");
      await page.keyboard.press("Enter");
      await until("relay off", () => !sim.pins.level(PINS.relay));
      await seeText(page, "#light-state", /^Light off$/);
    } finally {
      await phone.close();
    }
  });

  it("with the push-button mode, the board's control is a button held while pressed", async () => {
    await bringUp(sim, broker, 'mode:"button"');
    const page = await open();
    await seeText(page, "#switch-label", /^Press$/);
    assert.equal(await page.getAttribute("#switch", "role"), "button");
    const box = (await page.locator("#switch").boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await seeText(page, "#switch-label", /^Held$/);
    await until("relay on", () => sim.pins.level(PINS.relay));
    await page.mouse.up();
    await seeText(page, "#switch-label", /^Press$/);
    await seeText(page, "#light-state", /^Light on$/);
    await sleep(200);
    assert.equal(sim.pins.level(PINS.relay), true, "releasing the button must not toggle again");
  });
});

describe("web: the remote alone (npm run remote's page)", function () {
  this.timeout(40000);
  let browser: Browser;
  let web: WebServer | null = null;

  before(async function () {
    requireChromium(this);
    browser = await launch();
  });
  after(async () => browser && browser.close());
  afterEach(async () => {
    for (const p of browser.context.pages()) await p.close();
    if (web) await web.close();
    web = null;
  });

  it("against a broker that does not answer: says so, and keeps retrying", async () => {
    // Accepts TCP connections and never says a word (no WebSocket handshake, no CONNACK).
    const sockets: Socket[] = [];
    const silent: Server = createServer((s: Socket) => {
      sockets.push(s);
      s.on("error", () => {});
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as any).port;
    try {
      web = await startWeb({ host: "127.0.0.1", port: 0, mqttUrl: `ws://127.0.0.1:${port}`, topic: BASE });
      const page = await browser.context.newPage();
      await page.goto(web.url);
      assert.equal(await page.isHidden("#board"), true, "the remote has no board panel");
      await seeText(
        page,
        "#banner",
        new RegExp(`No answer from the broker at ws://127\\.0\\.0\\.1:${port}.*Retrying`),
        8000
      );
      assert.equal(await page.isDisabled("#light"), true);
      await until("three attempts", () => sockets.length >= 3, 15000);
      await seeText(page, "#banner", /[2-9]\d* tries|\d\d+ tries/, 5000);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it("against mosquitto with the README's WebSocket lines, switches a node on that broker", async function () {
    const mosquitto = await startMosquitto(requireMosquitto(this), { wsPort: await freePort() });
    const sim = await Simulator.start({ inputs: { D0: true } });
    try {
      await bringUp(sim, mosquitto);
      web = await startWeb({ host: "127.0.0.1", port: 0, mqttUrl: mosquitto.wsUrl!, topic: BASE });
      const page = await browser.context.newPage();
      await page.goto(web.url);
      await seeText(page, "#banner", /Connected to the broker/);
      await seeText(page, "#avail", /^online$/);
      await page.click("#light");
      await until("relay on", () => sim.pins.level(PINS.relay));
      await seeText(page, "#light-state", /^Light on$/);
    } finally {
      await sim.stop();
      // Nothing retained is left: the broker goes away with its memory.
      await mosquitto.close();
    }
  });
});
