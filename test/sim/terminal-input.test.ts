// The CLI's key routing (sim/terminal.ts) as a table: what the keys were, who holds Serial1, what
// reached the board, which simulator commands ran, what the simulator echoed, whether it quit.
import { strict as assert } from "node:assert";
import { TerminalInput } from "../../sim/terminal";

interface Case {
  name: string;
  chunks: string[];
  repl?: boolean; // the REPL holds Serial1 (default true)
  raw?: boolean; // a TTY in raw mode (default true)
  board: string;
  commands?: string[];
  shown?: string;
  quit?: boolean;
}

const CASES: Case[] = [
  { name: "keys go to the board as typed", chunks: ["1", "+", "2", "\r"], board: "1+2\r" },
  { name: "Ctrl-C is the board's", chunks: ["ab\x03"], board: "ab\x03" },
  {
    name: "a dot at the line's start is a simulator command",
    chunks: [".", "r", "e", "l", "a", "y", "\r"],
    board: "",
    commands: ["relay"],
    shown: ".relay\r\n>"
  },
  { name: "a dot inside a line is the board's", chunks: ["1", ".", "5\r"], board: "1.5\r" },
  {
    name: "after Enter a dot starts a command again",
    chunks: ["x\r.switch\r"],
    board: "x\r",
    commands: ["switch"],
    shown: ".switch\r\n>"
  },
  {
    name: "after Ctrl-C too",
    chunks: ["x\x03.ap down\r"],
    board: "x\x03",
    commands: ["ap down"],
    shown: ".ap down\r\n>"
  },
  {
    name: "after Esc too (it quits setup(), leaving a new line)",
    chunks: ["\x1b", ".relay\r"],
    board: "\x1b",
    commands: ["relay"],
    shown: ".relay\r\n>"
  },
  {
    name: "rubbing the line out to its start makes a dot a command",
    chunks: ["x\x7f.press\r"],
    board: "x\x7f",
    commands: ["press"],
    shown: ".press\r\n>"
  },
  {
    name: "while a program holds Serial1, a dot is the board's (a password may start with one)",
    chunks: [".secret\r"],
    repl: false,
    board: ".secret\r",
    shown: ""
  },
  { name: "Ctrl-C drops a command being typed", chunks: [".rel\x03"], board: "", shown: ".rel\r\x1b[J>" },
  {
    name: "backspace over the dot gives the line back to the board",
    chunks: [".\x7f1\r"],
    board: "1\r",
    shown: ".\b \b"
  },
  { name: ".exit quits", chunks: [".exit\r"], board: "", quit: true, shown: ".exit\r\n" },
  { name: "Ctrl-] quits at once", chunks: ["ab\x1dcd"], board: "ab", quit: true },
  {
    name: "piped lines: \\n and \\r\\n are Enter, no echo",
    chunks: ["6*7\n", "1\r\n.relay\n"],
    raw: false,
    board: "6*7\r1\r",
    commands: ["relay"],
    shown: ""
  },
  {
    name: "the espruino CLI's \\x10 does not count as typed",
    chunks: ["\x10.relay\r"],
    board: "\x10",
    commands: ["relay"],
    shown: ".relay\r\n>"
  }
];

describe("sim: terminal key routing", () => {
  for (const c of CASES) {
    it(c.name, () => {
      let board = "";
      let shown = "";
      let quit = false;
      const commands: string[] = [];
      const input = new TerminalInput({
        toBoard: (s) => (board += s),
        replHasConsole: () => c.repl !== false,
        command: (l) => commands.push(l),
        quit: () => (quit = true),
        show: (t) => (shown += t),
        raw: c.raw !== false
      });
      for (const chunk of c.chunks) input.receive(chunk);
      assert.equal(board, c.board);
      assert.deepEqual(commands, c.commands || []);
      if (c.shown !== undefined) assert.equal(shown, c.shown);
      assert.equal(quit, !!c.quit);
    });
  }
});
