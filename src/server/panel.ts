import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/**
 * The tRPC panel's page (GET /panel), rendered ahead of time by scripts/render-panel.ts (`npm run panel:build`):
 * the library that draws it, and the hundred-odd packages it brings, are development dependencies only. The page
 * is self-contained (its script and styles inline) and loads nothing from elsewhere, so it works offline.
 */
export const panelPagePath = fileURLToPath(new URL("./panel.html", import.meta.url));

export function createPanel(): () => Promise<string> {
  let html: Promise<string> | undefined;
  // Read on first use: a server with no visitor to /panel need not hold its 1 MB.
  return () => {
    html ??= readFile(panelPagePath, "utf8");
    // A failure is not cached: the next visit tries again.
    html.catch(() => (html = undefined));
    return html;
  };
}
