import { readFileSync } from "node:fs";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { optionalGroups, panelInput, panelRouter, renderPanel, useOfflineJsonEditor, type PanelInput } from "../../scripts/render-panel";
import { appRouter } from "../../src/api";
import { createPanel, panelPagePath } from "../../src/server/panel";

/**
 * What the panel page is built from (scripts/render-panel.ts, into src/server/panel.html), checked in Node: the forms it is given (panelRouter, panelInput) and the
 * optional lists and groups its script leaves out of a call when they are empty (optionalGroups). The page itself
 * is driven in Chromium by tests/browser; GET /panel over HTTP is in tests/e2e/panel.test.ts.
 */

type StandIn = { _def: { type: string; inputs: PanelInput[] } };
const standIn = (router: unknown, path: string) =>
  path.split(".").reduce((node, key) => (node as Record<string, unknown>)[key], router) as StandIn;
const field = (input: PanelInput, key: string) => (input._def.shape as Record<string, PanelInput>)[key] as PanelInput;

describe("the forms the panel draws", () => {
  it("has a stand-in for every procedure, of its kind, at its path", () => {
    const panel = panelRouter(appRouter);
    for (const [path, procedure] of Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)) {
      const found = standIn(panel, path);
      expect(typeof found, path).toBe("function");
      expect(found._def.type, path).toBe(procedure._def.type);
    }
  });

  it("nests routers of any depth", () => {
    const procedure = { _def: { type: "query", inputs: [z.strictObject({ id: z.string() })] } };
    const nested = { _def: { procedures: { "a.b.c": procedure, "a.d": procedure } } } as unknown as typeof appRouter;
    const panel = panelRouter(nested);
    expect(standIn(panel, "a.b.c")._def.inputs[0]?._def.type).toBe("object");
    expect(standIn(panel, "a.d")._def.type).toBe("query");
  });

  it("draws a procedure's whole input as a form even when the input may be left out (a prefault)", () => {
    const list = standIn(panelRouter(appRouter), "tasks.list")._def.inputs[0] as PanelInput;
    expect(list._def.type).toBe("object");
    expect(Object.keys(list._def.shape as object)).toEqual(expect.arrayContaining(["projectId", "status", "sort", "limit", "cursor"]));
  });

  it("shows a field with a default as optional, naming the default", () => {
    const create = standIn(panelRouter(appRouter), "tasks.create")._def.inputs[0] as PanelInput;
    expect(field(create, "priority")._def).toMatchObject({ type: "optional", description: 'default: "normal"' });
    expect(field(create, "dueDate")._def).toEqual({
      type: "optional",
      description: "default: null",
      innerType: { _def: { type: "nullable", innerType: { _def: { type: "string" } } } },
    });
    expect(panelInput(z.strictObject({ n: z.number().default(3) }))).toEqual({
      _def: { type: "object", shape: { n: { _def: { type: "optional", innerType: { _def: { type: "number" } }, description: "default: 3" } } } },
    });
  });

  it("shows an optional or nullable field around its inner field, and a readonly or piped one as its input side", () => {
    expect(panelInput(z.string().optional())).toEqual({ _def: { type: "optional", innerType: { _def: { type: "string" } } } });
    expect(panelInput(z.boolean().nullable())).toEqual({ _def: { type: "nullable", innerType: { _def: { type: "boolean" } } } });
    expect(panelInput(z.number().readonly())).toEqual({ _def: { type: "number" } });
    expect(panelInput(z.string().transform((text) => text.length))).toEqual({ _def: { type: "string" } });
    expect(panelInput(z.null())).toEqual({ _def: { type: "null" } });
  });

  it("names an array's element where the library reads it", () => {
    const array = panelInput(z.array(z.boolean()))._def.type as unknown as { _def: unknown };
    expect(String(array)).toBe("array");
    expect(array._def).toEqual({ type: "boolean" });
  });

  it("draws enums and literals, and a union of literals as a choice", () => {
    expect(panelInput(z.enum(["a", "b"]))).toEqual({ _def: { type: "enum", entries: { a: "a", b: "b" } } });
    expect(panelInput(z.literal("x"))).toEqual({ _def: { type: "literal", values: ["x"] } });
    expect(panelInput(z.union([z.literal("a"), z.literal("b")]))).toEqual({
      _def: { type: "union", options: [{ _def: { type: "literal", values: ["a"] } }, { _def: { type: "literal", values: ["b"] } }] },
    });
  });

  it("draws any other union as its first option, saying where its other forms can be sent", () => {
    const list = standIn(panelRouter(appRouter), "tasks.list")._def.inputs[0] as PanelInput;
    const projectId = field(list, "projectId")._def.innerType as PanelInput;
    expect(projectId._def).toEqual({ type: "string", description: expect.stringContaining("JSON view") as string });
    expect(panelInput(z.union([z.literal("a"), z.number()]))._def).toMatchObject({ type: "literal", values: ["a"] });
  });

  it("marks a kind it has no field for as unsupported, by name", () => {
    expect(panelInput(z.record(z.string(), z.number()))).toEqual({ _def: { type: "unsupported:record" } });
  });
});

describe("the optional lists and groups the page leaves out when empty", () => {
  it("are, per procedure, exactly its optional array and object fields", () => {
    expect(optionalGroups(appRouter)).toEqual({
      "tasks.create": [["labels"]],
      "tasks.list": [["priority"], ["labels"], ["sort"]],
      "tasks.count": [["priority"], ["labels"]],
      "tasks.labels": [["priority"], ["labels"]],
      "tasks.update": [["labels"]],
    });
  });

  it("follow nesting, nullable, readonly and pipes, but not required fields or the input itself", () => {
    const procedure = (input: z.ZodType) => ({ _def: { type: "query", inputs: [input] } });
    const router = {
      _def: {
        procedures: {
          required: procedure(z.strictObject({ list: z.array(z.string()), group: z.strictObject({ a: z.string() }) })),
          nested: procedure(
            z.strictObject({ outer: z.strictObject({ inner: z.array(z.number()).optional(), deep: z.strictObject({}).nullable().optional() }).optional() }),
          ),
          wrapped: procedure(
            z
              .strictObject({
                piped: z.array(z.string()).readonly().transform((list) => list.length).optional(),
                counted: z.string().transform((text) => text.length).optional(),
              })
              .prefault({}),
          ),
          none: { _def: { type: "query", inputs: [] } },
        },
      },
    } as unknown as typeof appRouter;
    expect(optionalGroups(router)).toEqual({
      nested: [["outer"], ["outer", "inner"], ["outer", "deep"]],
      wrapped: [["piped"]],
    });
  });
});

describe("the page", () => {
  const page = renderPanel();

  it("is served as `npm run panel:build` rendered it from the current router", () => {
    expect(readFileSync(panelPagePath, "utf8") === page, "src/server/panel.html is stale: run `npm run panel:build`").toBe(true);
  });

  it("is titled taskrpc, describes itself, and runs the leave-out script, with the groups, before its own", () => {
    expect(page).toContain("<title>taskrpc panel</title>");
    expect(page).not.toContain("<title>tRPC.ui()</title>");
    expect(page.split("<title>")).toHaveLength(2);
    expect(page).toContain("Fields left empty are left out, so the server applies its defaults.");
    const first = page.indexOf("<script>");
    expect(first).toBeGreaterThan(0);
    expect(page.slice(first)).toMatch(/^<script>\(\(\) => \{\n {2}const groups = (\{.*\});\n/u);
    const groups = /const groups = (\{.*\});\n/u.exec(page)?.[1];
    expect(JSON.parse(groups ?? "null")).toEqual(optionalGroups(appRouter));
    // The page's own script follows, unchanged.
    expect(page.indexOf("<script>", first + 1)).toBeGreaterThan(first);
  });

  it("draws its JSON view with a local text area, not the Monaco editor the library loads from a CDN", () => {
    expect(page.match(/createElement\(window\.taskrpcJsonEditor\(\w+\),\{defaultLanguage:"json"/gu)).toHaveLength(1);
    expect(page.indexOf("window.taskrpcJsonEditor =")).toBeLessThan(page.indexOf("window.taskrpcJsonEditor(", page.indexOf("window.taskrpcJsonEditor =")));
    expect(() => useOfflineJsonEditor("<script>React.createElement(Other,{})</script>")).toThrow(/expected one Monaco JSON view/u);
  });

  it("is read once and then served from memory", async () => {
    const render = createPanel();
    const first = render();
    expect(render()).toBe(first);
    expect(await render()).toBe(await first);
  });
});
