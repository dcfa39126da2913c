import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Chromium as every browser test launches it (`extraArgs` added), or a clear error saying how to get it. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The browser tests need Chromium, and there is none at ${chromiumPath}. Install it with ` +
        "`sudo apt-get update && sudo apt-get install -y chromium` (Debian), or point CHROMIUM_PATH at a Chromium or Chrome binary.",
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...extraArgs],
  });
}
