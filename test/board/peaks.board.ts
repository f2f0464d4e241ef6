// Every peak of the firmware within its ceiling (CEILINGS.peaks), on espruino-esp8266-4mb: a filler
// leaves exactly that many free, so a peak above it, however short, prints OUT OF MEMORY (a
// sampler between events would miss it). The node is configured first without the filler (from a
// new board; that step is the last one here); the boot runs with the filler stored as .boot1, every
// other step on a node booted without it and then filled, so that each step says for itself
// whether it fits.
import { strict as assert } from "node:assert";
import { BIG_PAYLOAD, Board, forShapes, HA_STATUS, sleep, step, TOPIC, typeSetup } from "./harness";
import { CEILINGS } from "./ceilings";

// PEAK=N tries every step with N free.
const ceiling = (figure: number) => Number(process.env.PEAK || figure);

forShapes(
  ["4mb"],
  "board: every peak within its ceiling (a filler leaves exactly that many variables free)",
  function () {
    this.timeout(120000);
    let b: Board;

    before(async () => {
      b = await Board.start({
        fill: ceiling(CEILINGS.peaks.boot),
        fills: [...new Set(Object.values(CEILINGS.peaks).map(ceiling))]
      });
      await b.configure();
    });
    after(async () => {
      if (b) await b.stop();
    });

    // Each step on its own: one that runs out of memory leaves the next to power the node on again.
    const peak = (title: string, free: number, fn: () => Promise<void>) =>
      step(
        () => b,
        `${title}, with ${ceiling(free)} free`,
        async () => {
          await b.fillNow(ceiling(free));
          await fn();
        },
        true
      );

    peak("100 commands and 100 wall switch flips", CEILINGS.peaks.commandsAndFlips, async () => {
      for (let n = 0; n < 100; n++) await b.flipByCommand();
      b.i.skip();
      await b.i.eval("BENCH.flips(100,20),1");
      await b.i.waitFor(/#F/, 30000);
      await b.flipByCommand();
    });

    peak(`a ${BIG_PAYLOAD}-byte message (1 KB packet)`, CEILINGS.peaks.bigMessage, async () => {
      await b.publish(HA_STATUS, "x".repeat(BIG_PAYLOAD), 0);
      await b.flipByCommand();
    });

    peak(`a ${BIG_PAYLOAD}-byte message on the command topic (ignored)`, CEILINGS.peaks.bigCommand, async () => {
      await b.publish(TOPIC, "o".repeat(BIG_PAYLOAD + HA_STATUS.length - TOPIC.length), 0);
      await b.flipByCommand();
    });

    peak("a broker restart until Active", CEILINGS.peaks.brokerRestart, async () => {
      await b.restartBroker();
      await b.active(30000);
      await b.flipByCommand();
    });

    peak("20 reconnects", CEILINGS.peaks.reconnects, async () => {
      for (let n = 0; n < 20; n++) await b.reconnect();
      await b.flipByCommand();
    });

    peak("setup() typed key by key, until Active", CEILINGS.peaks.setup, async () => {
      await typeSetup(b, [
        ["ssid", ""],
        ["password", ""],
        ["broker", ""],
        ["port", ""],
        ["id", ""],
        ["user", ""],
        ["pass", ""]
      ]);
      await b.flipByCommand();
    });

    // Each waits for its own answer, not just the prompt: a command that fails (an exception, or
    // its file refused by the interpreter's parser) also ends at a prompt.
    peak("status(), config(), help()", CEILINGS.peaks.consoleCommands, async () => {
      for (const [c, answer] of [
        ["status()", /\{"state":"Active"/],
        ["config()", /\{"ssid":/],
        ["help()", /setup\(\): /]
      ] as const) {
        b.i.skip();
        b.i.line(c);
        await b.i.waitFor(answer);
        await b.i.waitFor(/\n>/);
      }
    });

    peak("offline(), connect()", CEILINGS.peaks.offlineConnect, async () => {
      b.i.skip();
      b.i.line("offline()");
      await b.i.waitFor(/-> Offline/);
      b.i.line("connect()");
      await b.active();
    });

    peak("forget(), then config({...}) from a new board until Active", CEILINGS.peaks.forgetThenConfig, async () => {
      b.i.skip();
      b.i.line("forget()");
      await b.i.waitFor(/-> Offline/);
      await sleep(200);
      await b.configure();
      await b.flipByCommand();
    });

    // Last: with the filler stored, every later boot would start short of memory.
    step(
      () => b,
      `boot with a configuration until Active, with ${ceiling(CEILINGS.peaks.boot)} free`,
      async () => {
        await b.powerCut();
        if (/no config/.test(b.i.output)) await b.configure();
        await b.fill(true);
        await b.powerCut();
        await b.active();
      }
    );
  }
);
