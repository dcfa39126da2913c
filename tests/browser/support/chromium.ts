import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

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

/**
 * Lets a page or context reach only the URLs `local` accepts; every other request is aborted as if offline and
 * its URL recorded in the returned list, so a test can say the page needed nothing from elsewhere.
 */
export async function keepOffline(target: Pick<BrowserContext, "route">, local: (url: URL) => boolean): Promise<string[]> {
  const elsewhere: string[] = [];
  await target.route("**/*", (route) => {
    const url = route.request().url();
    if (local(new URL(url))) return route.fallback();
    elsewhere.push(url);
    return route.abort("internetdisconnected");
  });
  return elsewhere;
}
