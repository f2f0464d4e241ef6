// The board's console as the web page gets it. The page may be open to the whole network
// (`--http-host 0.0.0.0`), so nothing secret may reach it:
// - the REPL's echo of typed characters never does (a password typed in `config({...})` is echoed
//   key by key, and put back under the prompt after other output); the caller drops it;
// - a line, once entered, is shown as the console command it calls (`config(…)`, `status()`) or as
//   `…`: any other text may be a password typed at the prompt by mistake;
// - the words of that line are masked in the error it causes (V8 names the token it stumbled on:
//   a password typed at the prompt by mistake comes back as `Unexpected identifier 'horse'`);
// - every secret the simulator knows (the stored Wi-Fi and MQTT passwords, the access point's) is
//   masked wherever the board prints it (`Storage.read("cfg.0")`, `Wifi.getDetails()`), as it
//   is and as the console quotes it. Output that could be the start of one is held back until
//   more output tells.
export const MASK = "***";
// The firmware's console commands (see help()): a typed line calling one of them shows its name.
const COMMANDS = ["setup", "config", "status", "offline", "connect", "forget", "help"];

export class ConsoleFeed {
  // Each secret as printed: raw, inside a quoted string, inside a string quoted twice (a JSON
  // record shown as a string); longest first.
  private forms: string[] = [];
  private words: string[] = [];
  private held = "";

  // Adds secrets to mask from now on (empty ones mean "none" and are ignored).
  know(secrets: string[]): void {
    for (const s of secrets) {
      if (typeof s !== "string" || !s) continue;
      const quoted = JSON.stringify(s).slice(1, -1);
      for (const f of [s, quoted, JSON.stringify(quoted).slice(1, -1)])
        if (this.forms.indexOf(f) < 0) this.forms.push(f);
    }
    this.forms.sort((a, b) => b.length - a.length);
  }

  // A line the typist entered: what the page shows of it, with its line end.
  typed(line: string): string {
    this.words = line.match(/[A-Za-z0-9_$\u0080-\uffff]+/g) || [];
    const call = /^\s*(\w+)\s*\(\s*(\)\s*;?\s*$)?/.exec(line);
    const shown = call && COMMANDS.indexOf(call[1]) >= 0 ? call[1] + (call[2] ? "()" : "(…)") : line.trim() ? "…" : "";
    return this.printed(shown + "\n");
  }

  // A piece of the board's own output: what of it the page may have now.
  printed(text: string): string {
    if (/^Uncaught \w+: /.test(text) && this.words.length) {
      const at = text.indexOf(": ") + 2;
      text =
        text.slice(0, at) +
        text.slice(at).replace(/[A-Za-z0-9_$\u0080-\uffff]+/g, (w) => (this.words.indexOf(w) >= 0 ? MASK : w));
    }
    let s = this.held + text;
    for (const f of this.forms) s = s.split(f).join(MASK);
    let keep = 0;
    for (const f of this.forms) {
      for (let n = Math.min(f.length - 1, s.length); n > keep; n--) {
        if (s.endsWith(f.slice(0, n))) {
          keep = n;
          break;
        }
      }
    }
    this.held = s.slice(s.length - keep);
    return s.slice(0, s.length - keep);
  }
}
