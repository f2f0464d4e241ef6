// The 4 MB layout on espruino-esp8266-4mb: the loader (.bootcde, src/boot/) and two sets of the
// core (ln.a.*, ln.b.*), as npm run flash writes build/storage-4mb/ and an update adds the other.
import { strict as assert } from "node:assert";
import { Board, forShapes, step } from "./harness";

forShapes(["4mb"], "board: the loader and its sets (4 MB layout)", function () {
  this.timeout(120000);
  let b: Board;

  before(async () => {
    b = await Board.start({ layout: (process.env.LAYOUT as any) || "storage-4mb" });
  });
  after(async () => {
    if (b) await b.stop();
  });

  step(() => b, "boot runs set a: the node says its version and reaches Active", async () => {
    assert.match(b.i.output, /lightnode \d+\.\d+\.\d+/);
    console.log("      boot (Offline) firmware variables:", await b.firmwareUsage());
    await b.configure();
    console.log("      Active firmware variables:", await b.firmwareUsage());
    await b.flipByCommand();
  });
});
