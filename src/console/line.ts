// Assembles typed lines from raw serial chunks for the setup() wizard: backspace edits, CR, LF or
// CRLF ends a line, Ctrl-C (or the DLE that starts every line the espruino CLI uploads) abandons.
// Hostile lines are refused whole: too long, or holding control characters.
export var MAX_LINE = 100;

// done(null, line) for a line, done(error) for a refused one, done("abort") to give up.
export function lineReader(echo: (s: string) => void, done: (err: string | null, line?: string) => void) {
  var buf = "";
  var long = false;
  var bad = false;
  var cr = false;
  return function (chunk: string) {
    for (var i = 0; i < chunk.length; i++) {
      var ch = chunk[i];
      var c = ch.charCodeAt(0);
      var wasCr = cr;
      cr = ch == "\r";
      if (c == 3 || c == 16) return done("abort");
      if (ch == "\r" || ch == "\n") {
        if (ch == "\n" && wasCr) continue;
        echo("\r\n");
        var line = buf;
        var err = long ? "line too long (max " + MAX_LINE + ")" : bad ? "control characters not allowed" : null;
        buf = "";
        long = bad = false;
        done(err, line);
      } else if (c == 8 || c == 127) {
        if (buf) echo("\b \b");
        buf = buf.slice(0, -1);
      } else if (buf.length >= MAX_LINE) long = true;
      else {
        if (c < 32) bad = true;
        else echo(ch);
        buf += ch;
      }
    }
  };
}
