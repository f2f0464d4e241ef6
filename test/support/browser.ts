// A real browser for the web page's tests: Debian's Chromium (/usr/bin/chromium, `.ci/run` installs
// it) driven by playwright-core, headless, with a fresh profile each launch. No browser download.
import { chromium, BrowserContext } from "playwright-core";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
];

// Chromium is required in CI; elsewhere the browser tests are skipped with a visible reason. Call
// inside a mocha `before` with its context.
export function requireChromium(ctx: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  if (process.env.CI) throw new Error("chromium is not installed, but CI must run the browser tests");
  console.warn("    (skipped: chromium not installed; `apt-get install chromium` to run these)");
  ctx.skip();
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

// One browser with its own new profile; `width` is the viewport's (360: a phone).
export async function launch(width = 1000, height = 800): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), "lightnode-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width, height }
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  };
}
