#!/usr/bin/env -S npx tsx
// Renders the tRPC panel's page (GET /panel) into src/server/panel.html, which the server serves as it is:
// trpc-ui-zod4 and its hundred-odd packages are needed only here, so they are development dependencies.
// `npm run panel:build` rewrites the page; tests/server/panel.test.ts fails when it is stale.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AnyTRPCRouter } from "@trpc/server";
import { renderTrpcPanel } from "trpc-ui-zod4";
import type { z } from "zod";
import { appRouter } from "../src/api";
import { panelPagePath } from "../src/server/panel";

/**
 * The page lists every procedure with a form built from its input schema, and calls the API at the relative URL
 * /trpc (so it works on any host and port).
 *
 * trpc-ui-zod4 1.1.0 reads zod's internal definitions and only half knows zod 4: a `.prefault()` input (our list
 * queries), a `.transform()` (labels) or an array (it reads `def.type._def` where zod 4 has `def.element`) come
 * out as "unsupported" fields, which the page silently leaves out. So the panel is not given the real router
 * but a mirror of it: the same procedures, each with its input rewritten into the plain definitions the library
 * does read (see `panelInput`). The API itself, and its validation, are untouched: the panel only draws forms
 * and sends what they hold to /trpc.
 *
 * The library's JSON view (the {} button) loads the Monaco editor from a CDN, so offline it stays blank; the page
 * gets a plain text area there instead (see `offlineJsonEditor`), and loads nothing but itself.
 */
export function renderPanel(): string {
  const page = renderTrpcPanel(panelRouter(appRouter), {
    url: "/trpc",
    meta: {
      title: "taskrpc",
      description:
        "Every procedure of the API, with a form built from its input schema. Fields left empty are left out, so the server applies its defaults.",
    },
  });
  // Before the page's own script, so the tRPC client it creates picks up the wrapped fetch.
  const script = `<script>${leaveOutEmptyGroups.replace("__GROUPS__", () => JSON.stringify(optionalGroups(appRouter)))}\n${offlineJsonEditor}</script>`;
  const titled = page.replace("<title>tRPC.ui()</title>", "<title>taskrpc panel</title>");
  const at = titled.indexOf("<script>");
  if (at < 0) throw new Error("trpc-ui-zod4's page has no <script>: the panel's scripts have nowhere to go");
  return useOfflineJsonEditor(titled.slice(0, at) + script + titled.slice(at));
}

/** Where the library's bundle mounts Monaco for the JSON view: `React.createElement(Editor, { defaultLanguage: "json", ... })`. */
const monacoJsonView = /\b(\w+)\.createElement\((\w+),\{defaultLanguage:"json",/gu;

/** The page with its JSON view drawn by `window.taskrpcJsonEditor` instead of Monaco (fails if the library moved it). */
export function useOfflineJsonEditor(page: string): string {
  const found = [...page.matchAll(monacoJsonView)].length;
  if (found !== 1) throw new Error(`expected one Monaco JSON view in trpc-ui-zod4's page, found ${found}: see offlineJsonEditor`);
  return page.replace(monacoJsonView, (_match, react: string) => `${react}.createElement(window.taskrpcJsonEditor(${react}),{defaultLanguage:"json",`);
}

/**
 * The JSON view's editor: a text area taking Monaco's props (the input as text, and `onChange(text)`, which the
 * page answers with `JSON.parse`), so it passes on only text that parses; the rest waits for the next keystroke.
 * Plain JavaScript in a string: it runs in the browser as written. One component for the page's life, so that
 * React keeps the same text area (and its cursor) across renders.
 */
const offlineJsonEditor = `(() => {
  let editor;
  window.taskrpcJsonEditor = (React) =>
    (editor ??= function JsonEditor(props) {
      return React.createElement("textarea", {
        "aria-label": "Input as JSON",
        defaultValue: props.value,
        spellCheck: false,
        style: { width: "100%", height: props.height, fontFamily: "monospace", fontSize: "13px", padding: "8px", border: "1px solid #d4d4d4", borderRadius: "4px" },
        onChange: (event) => {
          const text = event.target.value;
          try {
            JSON.parse(text);
          } catch {
            return;
          }
          props.onChange(text);
        },
      });
    });
})();`;

/** The shape trpc-ui-zod4 walks: a definition under `_def`, whose `type` names the kind as zod 4 does. */
export type PanelInput = { _def: PanelDef };
type PanelDef = { type: string | PanelArrayType; description?: string; [key: string]: unknown };
/**
 * For an array the library selects on `def.type` ("array") and then reads the element at `def.type._def`; only
 * a String object can be both.
 */
type PanelArrayType = string & { _def: PanelDef };

type AnyProcedure = { _def: { type: string; inputs: unknown[]; meta?: unknown } };

/** A stand-in router for the panel: nested plain objects down to procedure stand-ins with rewritten inputs. */
export function panelRouter(router: AnyTRPCRouter): AnyTRPCRouter {
  const root: Record<string, unknown> = {};
  for (const [path, procedure] of Object.entries(router._def.procedures as Record<string, AnyProcedure>)) {
    const names = path.split(".");
    let node = root;
    for (const name of names.slice(0, -1)) node = (node[name] ??= {}) as Record<string, unknown>;
    const { type, inputs, meta } = procedure._def;
    // The library recognises a procedure as a function with a `_def` holding its type and inputs.
    const standIn = Object.assign(() => undefined, {
      _def: { type, meta, inputs: inputs.map((input, index) => (index === 0 ? panelInput(input as z.core.$ZodType, true) : input)) },
    });
    node[names.at(-1) as string] = standIn;
  }
  return root as unknown as AnyTRPCRouter;
}

/**
 * Rewrites a zod 4 schema into what the panel can draw: a default or prefault becomes an optional field (the
 * server fills it in; the default is shown as the field's description), a transform or pipe shows its input
 * side, and an array names its element where the library looks for it. Kinds the panel has no field for
 * (records, tuples…) stay "unsupported"; the page's JSON mode still sends them.
 */
export function panelInput(schema: z.core.$ZodType, root = false): PanelInput {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case "object":
      return {
        _def: {
          type: "object",
          shape: Object.fromEntries(Object.entries(def.shape).map(([key, value]) => [key, panelInput(value)])),
        },
      };
    case "default":
    case "prefault": {
      const inner = panelInput(def.innerType, root);
      // The input of a whole procedure stays what it is (an absent input is never what a form sends).
      if (root) return inner;
      return { _def: { type: "optional", innerType: inner, description: `default: ${JSON.stringify(def.defaultValue)}` } };
    }
    case "optional":
    case "nullable":
      return { _def: { type: def.type, innerType: panelInput(def.innerType) } };
    case "readonly":
      return panelInput(def.innerType, root);
    case "pipe":
      return panelInput(def.in, root);
    case "array":
      return { _def: { type: Object.assign(new String("array"), panelInput(def.element)) as unknown as PanelArrayType } };
    case "union": {
      // The page draws a union only as a choice between literals; otherwise it shows the first option's field.
      const options = def.options.map((option) => panelInput(option));
      if (options.every((option) => option._def.type === "literal")) return { _def: { type: "union", options } };
      const shown = options[0] as PanelInput;
      return { _def: { ...shown._def, description: "its other forms (see the API) can be sent from the JSON view, the {} button" } };
    }
    case "enum":
      return { _def: { type: "enum", entries: def.entries } };
    case "literal":
      return { _def: { type: "literal", values: def.values } };
    case "string":
    case "number":
    case "boolean":
    case "null":
      return { _def: { type: def.type } };
    default:
      return { _def: { type: `unsupported:${def.type}` } };
  }
}

/**
 * The page's form always sends a list field (as []) and a group of fields (as {}), even when nothing was
 * entered, so an untouched optional `priority` filter or `sort` would be sent as an empty filter (a VALIDATION
 * error) and an untouched `labels` in tasks.update would clear the task's labels. This script, run in the page,
 * leaves such empty optional lists and groups out of its calls to /trpc, as a caller that did not give them would.
 * Plain JavaScript in a string: it runs in the browser as written.
 */
const leaveOutEmptyGroups = `(() => {
  const groups = __GROUPS__;
  const isEmpty = (value) =>
    Array.isArray(value) ? value.length === 0 : value !== null && typeof value === "object" && Object.keys(value).length === 0;
  const prune = (input, paths) => {
    // Deepest first, so that a group emptied by leaving out its members is left out too.
    for (const path of [...paths].sort((a, b) => b.length - a.length)) {
      const parent = path.slice(0, -1).reduce((node, key) => (node !== null && typeof node === "object" ? node[key] : undefined), input);
      const key = path[path.length - 1];
      if (parent !== null && typeof parent === "object" && isEmpty(parent[key])) delete parent[key];
    }
  };
  const rewrite = (procedures, text) => {
    const inputs = JSON.parse(text);
    procedures.forEach((name, index) => inputs[index] !== undefined && prune(inputs[index], groups[name] || []));
    return JSON.stringify(inputs);
  };
  const originalFetch = window.fetch.bind(window);
  window.fetch = (resource, init) => {
    try {
      const url = typeof resource === "string" ? new URL(resource, location.href) : null;
      if (url && url.pathname.startsWith("/trpc/") && url.searchParams.get("batch") === "1") {
        const procedures = decodeURIComponent(url.pathname.slice("/trpc/".length)).split(",");
        if (url.searchParams.has("input")) {
          url.searchParams.set("input", rewrite(procedures, url.searchParams.get("input")));
          resource = url.href;
        }
        if (init && typeof init.body === "string") init = { ...init, body: rewrite(procedures, init.body) };
      }
    } catch {
      // Not JSON after all: the request goes as it is, and the server says what is wrong with it.
    }
    return originalFetch(resource, init);
  };
})();`;

/** Per procedure, the paths of its optional input fields that hold a list or a group of fields. */
export function optionalGroups(router: AnyTRPCRouter): Record<string, string[][]> {
  const groups: Record<string, string[][]> = {};
  for (const [path, procedure] of Object.entries(router._def.procedures as Record<string, AnyProcedure>)) {
    const [input] = procedure._def.inputs;
    const found: string[][] = [];
    if (input) collectOptionalGroups(input as z.core.$ZodType, [], false, found);
    if (found.length > 0) groups[path] = found;
  }
  return groups;
}

function collectOptionalGroups(schema: z.core.$ZodType, path: string[], optional: boolean, found: string[][]): void {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case "optional":
    case "default":
    case "prefault":
      return collectOptionalGroups(def.innerType, path, true, found);
    case "nullable":
    case "readonly":
      return collectOptionalGroups(def.innerType, path, optional, found);
    case "pipe":
      return collectOptionalGroups(def.in, path, optional, found);
    case "array":
      if (optional) found.push(path);
      return;
    case "object":
      if (optional && path.length > 0) found.push(path);
      for (const [key, value] of Object.entries(def.shape)) collectOptionalGroups(value, [...path, key], false, found);
      return;
    default:
      return;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const page = renderPanel();
  writeFileSync(panelPagePath, page);
  console.info(`wrote ${panelPagePath} (${(page.length / 1024).toFixed(0)} kB)`);
}
