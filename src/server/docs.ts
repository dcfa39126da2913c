import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

// Swagger UI from its npm package, served from here: the page loads nothing from any other host. No validator
// badge (it would call validator.swagger.io); calls made with "Try it out" go to this server.
const init = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null });`;

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>taskrpc REST API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>${init}</script>
</body>
</html>
`;

// Only this server's own scripts and the one inline script above; Swagger UI styles elements inline.
const contentSecurityPolicy = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${createHash("sha256").update(init).digest("base64")}'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const assets: Record<string, string> = {
  "/docs/swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "/docs/swagger-ui.css": "text/css; charset=utf-8",
};

/** The API reference page at GET /docs and its two files; returns false for any other request. */
export function createDocsPage() {
  const folder = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const files = new Map<string, Promise<Buffer>>();

  return (req: IncomingMessage, res: ServerResponse, pathname: string): boolean => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const headers = { "x-content-type-options": "nosniff", "content-security-policy": contentSecurityPolicy };
    if (pathname === "/docs") {
      res.writeHead(200, { ...headers, "content-type": "text/html; charset=utf-8" }).end(req.method === "HEAD" ? undefined : page);
      return true;
    }
    const type = assets[pathname];
    if (!type) return false;
    const file = pathname.slice("/docs/".length);
    let content = files.get(file);
    if (!content) {
      content = readFile(join(folder, file));
      files.set(file, content);
    }
    content.then(
      (body) => res.writeHead(200, { ...headers, "content-type": type, "cache-control": "public, max-age=3600" }).end(req.method === "HEAD" ? undefined : body),
      () => res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "Internal server error" })),
    );
    return true;
  };
}
