// The firmware's RAM ceilings on the board's count (espruino-esp8266-4mb: 32-bit, 1,600
// variables), in variables over what the interpreter and the fake board use. Asserted by
// test/board/node.board.ts; variable counts are deterministic, so these are exact limits.
export const CEILINGS = {
  // Once Active (connected, subscribed, idle).
  active: 650,
  // The filler leaves exactly this many free: any higher peak prints OUT OF MEMORY. Issue 17's
  // target is 900, not met yet: with 1,200 free a 1 KB incoming message ran out (its bytes are
  // copied several times between the socket and the app), and at 1,000 so did setup(),
  // offline()/connect() and config() on a new board. This holds today's figure against
  // regressions until those are cut.
  peak: 1250,
  // After 1,000 commands, or 200 reconnects, over the figure before them.
  growth: 0
};
