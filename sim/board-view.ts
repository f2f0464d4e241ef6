// What the web page's board panel shows, taken from the simulator's outside, as a person at the
// bench would see it: the relay, LED and switch pins (pins.observe), the serial console
// (sim.onOutput: the connection state is the firmware's `[net] A -> B` line), the access point
// (wifi.upListeners), and the switch mode and base topic from the configuration in flash, and the
// set of files from the boot record (read as a flash dump would be, at each change). It never reads the firmware's variables. The console reaches the page
// through a ConsoleFeed: never what was typed, never a password.
import { Simulator } from "./simulator";
import { BoardProfile } from "../src/ports";
import { NodeState } from "../src/app-hooks";
import { ConsoleFeed } from "./console-feed";

// The firmware's own shapes: the pins baked in from espruino.config.js, and its four states.
export type BoardPins = BoardProfile;
export type NetState = NodeState;
export const NET_STATES: NetState[] = ["Offline", "Disconnected", "LookingForBroker", "Active"];

export interface BoardSnapshot {
  relay: boolean; // the relay is energised
  led: boolean; // the status LED is lit
  pressed: boolean; // the wall switch is closed (pressed, or flipped to "on")
  state: NetState | null; // null until the firmware has said
  ap: boolean; // the simulated access point is up
  mode: string; // the configured switch mode: toggle, button or detached
  topic: string; // the configured base topic
  version: string | null; // the firmware's version, from its boot line; null until it has said
  set: string | null; // 4 MB boards: the set of files confirmed (boot record in flash), else null
  trial: string | null; // 4 MB boards: a new set on trial after an update, else null
  pins: BoardPins;
}

// One change for the page: a new snapshot field, or console output (raw, terminal escapes included).
export type BoardEvent =
  | { t: "snapshot"; board: BoardSnapshot; console: string }
  | { t: "change"; board: BoardSnapshot }
  | { t: "console"; text: string };

const CONSOLE_TAIL = 16000;
const DEFAULT_TOPIC = "living_room_lights";
const STATE_LINE = /\[net\] (\w+) -> (\w+)/;
const BOOT_LINE = /^lightnode (\d+\.\d+\S*)/;

export class BoardView {
  private snap: BoardSnapshot;
  private tail = "";
  private partial = "";
  private listeners: Array<(e: BoardEvent) => void> = [];
  private readonly feed = new ConsoleFeed();
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly sim: Simulator,
    private readonly pins: BoardPins
  ) {
    this.snap = {
      relay: false,
      led: false,
      pressed: false,
      state: null,
      ap: sim.wifi.up,
      mode: "toggle",
      topic: DEFAULT_TOPIC,
      version: null,
      set: null,
      trial: null,
      pins
    };
    this.readPins();
    this.readFlash();
    const watched = [pins.relay, pins.button, pins.led];
    this.stops.push(sim.pins.observe((pin) => watched.indexOf(pin) >= 0 && this.update(() => this.readPins())));
    this.stops.push(sim.onOutput((text, echo) => echo || this.output(this.learn().printed(text))));
    this.stops.push(sim.onTyped((line) => this.output(this.learn().typed(line))));
    const flash = () => this.update(() => this.readFlash());
    sim.storage.changeListeners.push(flash);
    this.stops.push(() => (sim.storage.changeListeners = sim.storage.changeListeners.filter((l) => l !== flash)));
    const ap = (up: boolean) => this.update(() => (this.snap.ap = up));
    sim.wifi.upListeners.push(ap);
    this.stops.push(() => (sim.wifi.upListeners = sim.wifi.upListeners.filter((l) => l !== ap)));
    this.output(this.learn().printed(sim.printed));
  }

  snapshot(): BoardSnapshot {
    return { ...this.snap };
  }

  // Calls `fn` with a snapshot (and the console so far) at once, then with every change.
  subscribe(fn: (e: BoardEvent) => void): () => void {
    fn({ t: "snapshot", board: this.snapshot(), console: this.tail });
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  // ---- the board's controls ------------------------------------------------------------------

  // A latching wall switch flipped to the other position (with contact bounce).
  flip(): Promise<void> {
    return this.sim.pins.bounce(this.pins.button, !this.sim.pins.level(this.pins.button));
  }

  // A push button held down, then let go.
  press(): Promise<void> {
    return this.sim.pins.press(this.pins.button, { low: this.pins.buttonPressedLow });
  }

  release(): Promise<void> {
    return this.sim.pins.release(this.pins.button, { low: this.pins.buttonPressedLow });
  }

  accessPoint(up: boolean): void {
    if (up) this.sim.wifi.apUp();
    else this.sim.wifi.apDown();
  }

  close(): void {
    for (const s of this.stops.splice(0)) s();
    this.listeners = [];
  }

  // ---- reading the board ---------------------------------------------------------------------

  private update(change: () => void): void {
    const before = JSON.stringify(this.snap);
    change();
    if (JSON.stringify(this.snap) !== before) this.emit({ t: "change", board: this.snapshot() });
  }

  private emit(e: BoardEvent): void {
    for (const l of this.listeners.slice()) l(e);
  }

  private readPins(): void {
    const p = this.pins;
    const level = (pin: string) => this.sim.pins.level(pin);
    this.snap.relay = level(p.relay) !== p.relayActiveLow;
    this.snap.led = p.led ? level(p.led) !== p.ledActiveLow : false;
    this.snap.pressed = level(p.button) !== p.buttonPressedLow;
  }

  // The secrets the console feed must mask: the access point's password, and the passwords and the
  // update key (4 MB boards only) of both configuration records in flash (the old one too: it was
  // printed before).
  private learn(): ConsoleFeed {
    const secrets = [this.sim.wifi.config.password];
    for (const d of this.records()) secrets.push(d.password, d.pass, d.key);
    this.feed.know(secrets);
    return this.feed;
  }

  // Serial1 output as the page may see it: to the page, and line by line for the state and the flash.
  private output(text: string): void {
    if (!text) return;
    this.tail = (this.tail + text).slice(-CONSOLE_TAIL);
    this.emit({ t: "console", text });
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop()!;
    if (!lines.length) return;
    this.update(() => {
      for (const raw of lines) {
        // What is left on screen after carriage returns and erase sequences.
        const line = raw
          .split("\r")
          .pop()!
          .replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
        const m = STATE_LINE.exec(line);
        const boot = BOOT_LINE.exec(line);
        if (m && NET_STATES.indexOf(m[2] as NetState) >= 0) this.snap.state = m[2] as NetState;
        else if (boot) ((this.snap.state = "Offline"), (this.snap.version = boot[1]));
      }
    });
  }

  // The switch mode and topic of the newest valid configuration record in flash ("cfg.0"/"cfg.1",
  // JSON {s: sequence, d: JSON data}); the defaults when there is none or it cannot be read. On a
  // 4 MB board, the set of files it runs from the boot record ("ln.boot.0"/"ln.boot.1").
  private readFlash(): void {
    const best = storedConfig(this.sim.storage);
    this.snap.mode = best && typeof best.mode === "string" ? best.mode : "toggle";
    // The firmware holds the topic as its UTF-8 bytes (one char each); the page wants the text.
    this.snap.topic =
      best && typeof best.topic === "string" && best.topic
        ? Buffer.from(best.topic, "latin1").toString("utf8")
        : DEFAULT_TOPIC;
    const boot = newestRecord(this.sim.storage, "ln.boot");
    this.snap.set = boot && typeof boot.set === "string" ? boot.set : this.sim.layout ? "a" : null;
    this.snap.trial = boot && typeof boot.trial === "string" ? boot.trial : null;
  }

  private records(): any[] {
    return configRecords(this.sim.storage);
  }
}

// The data of each configuration record in flash that can be read, with its sequence number as
// `seq` (JSON {s: sequence, d: JSON data} in "cfg.0"/"cfg.1").
export function configRecords(storage: Simulator["storage"]): any[] {
  return recordSlots(storage, "cfg");
}

// The data of each slot of a two-slot record (src/store/record.ts) that can be read, with `seq`.
function recordSlots(storage: Simulator["storage"], record: string): any[] {
  const out: any[] = [];
  for (const name of [record + ".0", record + ".1"]) {
    try {
      const r = JSON.parse(storage.get(name) || "");
      const d = JSON.parse(r.d);
      if (d && typeof d === "object" && typeof r.s === "number") out.push({ ...d, seq: r.s });
    } catch (e) {
      // absent or torn: the other slot, or the defaults
    }
  }
  return out;
}

// The newest readable configuration in flash, or null.
export function storedConfig(storage: Simulator["storage"]): any {
  return newestRecord(storage, "cfg");
}

function newestRecord(storage: Simulator["storage"], record: string): any {
  let best: any = null;
  for (const d of recordSlots(storage, record)) if (!best || d.seq > best.seq) best = d;
  return best;
}
