// The person's terminal as the board's serial line (`npm start`). On a TTY it is put in raw mode,
// as a serial terminal is: no local echo (the board's REPL echoes, and setup() echoes all but
// passwords), Enter sends "\r", Ctrl-C (\x03) goes to the firmware. The simulator's own way out is
// Ctrl-] (as in telnet) or the `.exit` command. Piped input (tests, scripts) goes through the same
// routing, line by line, "\n" sent as "\r".
//
// Routing: a line that starts with "." while the REPL holds Serial1 is the simulator's (`.switch`,
// `.ap down`...), kept here and echoed here; everything else goes to the board as typed. While a
// program holds Serial1 (the setup() wizard), every key is the board's, so a password that starts
// with a dot is never echoed by the simulator.
export const QUIT_KEY = "\x1d";

export interface TerminalOptions {
  // Characters typed to the board's Serial1.
  toBoard(chars: string): void;
  // Whether the REPL holds Serial1 (false while a program such as setup() reads it).
  replHasConsole(): boolean;
  // A simulator command line, without its dot.
  command(line: string): void;
  // Ctrl-] or `.exit`.
  quit(): void;
  // Text for the screen (the echo of a simulator command being typed).
  show(text: string): void;
  // Whether the keyboard is a TTY in raw mode (then the simulator echoes its own command lines).
  raw: boolean;
}

export class TerminalInput {
  // What was sent to the board since the last Enter or Ctrl-C (to tell a line's start), and the
  // simulator command being typed (null: none).
  private typed = 0;
  private command: string | null = null;
  private lastCr = false;

  constructor(private readonly o: TerminalOptions) {}

  // A chunk from stdin: one key in raw mode, a line or more from a pipe.
  receive(chunk: string): void {
    let board = "";
    const flush = () => {
      if (board) this.o.toBoard(board);
      board = "";
    };
    for (const ch of chunk) {
      const lf = ch === "\n";
      if (lf && this.lastCr) {
        this.lastCr = false;
        continue;
      }
      this.lastCr = ch === "\r";
      const key = lf ? "\r" : ch;
      if (key === QUIT_KEY) {
        flush();
        return this.o.quit();
      }
      if (this.command !== null) {
        this.commandKey(key);
        continue;
      }
      if (key === "." && this.typed === 0 && this.o.replHasConsole()) {
        flush();
        this.command = "";
        if (this.o.raw) this.o.show(".");
        continue;
      }
      board += key;
      // Esc alone quits setup(), which leaves the REPL on a new line (in an arrow key's sequence
      // the keys after it count again).
      if (key === "\r" || key === "\x03" || key === "\x1b") this.typed = 0;
      else if (key === "\x7f" || key === "\b") this.typed = Math.max(0, this.typed - 1);
      else if (key !== "\x10") this.typed++;
    }
    flush();
  }

  // A key while a simulator command is typed: Enter runs it, Ctrl-C drops it, backspace edits
  // (deleting the dot gives the line back to the board).
  private commandKey(key: string): void {
    const echo = (text: string) => this.o.raw && this.o.show(text);
    if (key === "\r") {
      const line = this.command!.trim();
      this.command = null;
      echo("\r\n");
      if (line === "exit") return this.o.quit();
      this.o.command(line);
      // The board's prompt was above the command: show it again under the command's output.
      if (this.o.raw && this.o.replHasConsole()) this.o.show(">");
    } else if (key === "\x03") {
      this.command = null;
      echo("\r\x1b[J>");
    } else if (key === "\x7f" || key === "\b") {
      echo("\b \b");
      if (this.command!.length) this.command = this.command!.slice(0, -1);
      else this.command = null;
    } else if (key >= " ") {
      this.command += key;
      echo(key);
    }
  }
}
