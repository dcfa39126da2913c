#!/usr/bin/env -S npx tsx
// Writes docs/api.md, the API reference: the procedures and the fields of their inputs and outputs, with their
// limits, generated from the router's zod schemas (src/domain) through zod 4's z.toJSONSchema; the rules, errors
// and paging as prose written here. `npm run docs:api` rewrites the file; tests/docs/api-docs.test.ts fails when
// it is stale.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { appRouter } from "../src/api";
import { projectPageSchema, projectSchema, taskPageSchema, taskSchema } from "../src/domain";

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
};

type Procedure = { _def: { type: "query" | "mutation"; inputs: z.ZodType[]; output?: z.ZodType } };

export const docsPath = fileURLToPath(new URL("../docs/api.md", import.meta.url));

/** The outputs that have a section of their own, by name. */
const named = new Map<unknown, string>([
  [projectSchema, "[Project](#project)"],
  [taskSchema, "[Task](#task)"],
  [projectPageSchema, "`{ items: Project[], nextCursor: string | null }`"],
  [taskPageSchema, "`{ items: Task[], nextCursor: string | null }`"],
]);

const jsonSchema = (schema: z.ZodType, io: "input" | "output") => z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;

function typeOf(node: JsonSchema): string {
  if (node.enum) return node.enum.map((value) => JSON.stringify(value)).join(" \\| ");
  if (node.anyOf) return node.anyOf.map(typeOf).join(" \\| ");
  if (node.type === "array") return `${node.items?.anyOf || node.items?.enum ? `(${typeOf(node.items)})` : typeOf(node.items ?? {})}[]`;
  if (node.type === "string" && node.format === "date") return '"YYYY-MM-DD"';
  if (node.type === "string" && node.format === "date-time") return "ISO-8601 string (UTC)";
  if (node.type === "object") return "object";
  return node.type ?? "any";
}

const range = (min: number | undefined, max: number | undefined, unit: string) =>
  min !== undefined && max !== undefined ? `${min}–${max}${unit}` : min !== undefined ? `at least ${min}${unit}` : max !== undefined ? `at most ${max}${unit}` : "";

function limitsOf(node: JsonSchema): string[] {
  // One value or a list of them (`projectId`): the limits of each form, named by it.
  if (node.anyOf) {
    const limited = node.anyOf.filter((option) => limitsOf(option).length > 0);
    if (limited.length < 2) return limited.flatMap(limitsOf);
    return limited.map((option) => `${option.type === "array" ? "a list" : `a ${typeOf(option)}`}: ${limitsOf(option).join(", ")}`);
  }
  const limits: string[] = [];
  const chars = range(node.minLength, node.maxLength, " chars");
  if (chars) limits.push(chars);
  // The largest safe integer is no limit a user meets.
  const max = node.maximum === Number.MAX_SAFE_INTEGER ? undefined : node.maximum;
  const numbers = range(node.minimum, max, "");
  if (numbers) limits.push(numbers);
  if (node.type === "array") {
    const items = range(node.minItems, node.maxItems, node.maxItems === undefined && node.minItems === 1 ? " item" : " items");
    if (items) limits.push(items);
    const each = node.items ? limitsOf(node.items) : [];
    if (each.length > 0) limits.push(`each ${each.join(", ")}`);
  }
  return limits;
}

/** One row per field, nested objects' fields named with dots. */
function rows(node: JsonSchema, io: "input" | "output", prefix = ""): string[] {
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties ?? {}).flatMap(([key, field]) => {
    const name = `${prefix}${key}`;
    const presence =
      field.default !== undefined ? `default ${JSON.stringify(field.default)}` : io === "output" || required.has(key) ? "required" : "optional";
    const row = `| \`${name}\` | ${typeOf(field)} | ${io === "input" ? `${presence} | ` : ""}${limitsOf(field).join("; ")} |`;
    const nested = field.type === "object" ? rows(field, io, `${name}.`) : field.items?.type === "object" ? rows(field.items, io, `${name}[].`) : [];
    return [row, ...nested];
  });
}

function table(node: JsonSchema, io: "input" | "output"): string {
  const head = io === "input" ? "| field | type | presence | limits |\n|---|---|---|---|" : "| field | type | limits |\n|---|---|---|";
  return [head, ...rows(node, io)].join("\n");
}

function procedureSection(path: string, procedure: Procedure): string {
  const { type, inputs, output } = procedure._def;
  const input = inputs[0];
  const parts = [`### \`${path}\` (${type})`, ""];
  if (!input) parts.push("Input: none.");
  else {
    const schema = jsonSchema(input, "input");
    const optional = schema.default !== undefined ? " It may be left out altogether (the same as `{}`)." : "";
    parts.push(`Input: an object; unknown keys are refused (VALIDATION).${optional}`, "", table(schema, "input"));
  }
  parts.push("");
  const name = output && named.get(output);
  if (name) parts.push(`Output: ${name}.`);
  else if (output) parts.push("Output:", "", table(jsonSchema(output, "output"), "output"));
  return parts.join("\n");
}

export function renderApiDocs(): string {
  const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>);
  return `${[
    intro,
    "## Entities",
    "",
    "### Project",
    "",
    table(jsonSchema(projectSchema, "output"), "output"),
    "",
    projectNotes,
    "",
    "### Task",
    "",
    table(jsonSchema(taskSchema, "output"), "output"),
    "",
    taskNotes,
    "",
    "## Procedures",
    "",
    procedureNotes,
    "",
    ...procedures.flatMap(([path, procedure]) => [procedureSection(path, procedure), ""]),
    rules,
    "",
    paging,
    "",
    errors,
  ].join("\n")}\n`;
}

const intro = `<!-- Generated by \`npm run docs:api\` (scripts/api-docs.ts) from the API's zod schemas; edit the script, not this file. -->

# taskrpc API reference

The API is a set of tRPC procedures served at \`/trpc\` over tRPC's plain JSON wire format (no transformer):
timestamps travel as ISO-8601 strings, so any HTTP client can call it. A query is
\`GET /trpc/<procedure>?input=<URL-encoded JSON>\`; a mutation is \`POST /trpc/<procedure>\` with the input as an
\`application/json\` body. The typed client is the \`@taskrpc/sdk\` package (see \`sdk/README.md\`).

\`\`\`sh
curl -s -X POST http://127.0.0.1:3000/trpc/projects.create -H 'content-type: application/json' -d '{"name":"Home"}'
curl -s "http://127.0.0.1:3000/trpc/tasks.list?input=$(node -p 'encodeURIComponent(JSON.stringify({status:"all"}))')"
\`\`\`

An answer is \`{ "result": { "data": … } }\`, or \`{ "error": { "message", "code", "data": { "reason", "code", "httpStatus", "issues"? } } }\`
(see [Errors](#errors)). "Chars" are Unicode code points; every string input must be well-formed Unicode (no lone
surrogates) and hold no NUL character, otherwise the call fails with VALIDATION. Strings that are trimmed (a project's
name, a task's title, labels) are measured after trimming.
`;

const projectNotes = `- \`id\` is opaque and server-generated. \`name\` is trimmed. \`openTaskCount\` and \`completedTaskCount\` are derived and
  always current. \`version\` is 1 on create and grows by 1 on every change.`;

const taskNotes = `- A task always belongs to exactly one project. \`title\` and each label are trimmed. \`priority\` is ordered
  low < normal < high < urgent. \`dueDate\` is a real calendar date. Labels are case-insensitively unique per task and
  are returned sorted. \`completedAt\` is set while the task is completed and null otherwise.`;

const procedureNotes = `Queries never change data. Mutations are atomic: they change everything they say, or nothing. Updates are
partial: a field left out keeps its value (\`dueDate: null\` clears the due date). A field with a default may be left
out; the server fills it in.`;

const rules = `## Rules

1. A task always has one project; creating a task in a project that does not exist fails with PROJECT_NOT_FOUND.
2. An archived project is frozen: creating, updating, completing, reopening, deleting or moving tasks in it or into
   it, and updating the project itself, fail with PROJECT_ARCHIVED until it is unarchived. Reading still works.
3. A project can be deleted only when it has no tasks at all (open or completed); otherwise PROJECT_NOT_EMPTY. This
   holds for archived projects too: an empty archived project can be deleted.
4. Archive and unarchive are idempotent: archiving an archived project returns it unchanged (no version bump).
5. Complete and reopen are idempotent in the same way; completing sets \`completedAt\`, reopening clears it.
6. A task moves to another (non-archived) project with \`tasks.update({ id, projectId })\`.
7. Every mutation that changes an entity accepts an optional \`expectedVersion\`; when given and different from the
   stored version, the call fails with VERSION_MISMATCH and changes nothing.
8. A mutation that would change nothing (an update that gives no field, or only the values already stored) returns
   the entity as it is, with no version bump and no new \`updatedAt\`.

### Task filters

\`tasks.list\`, \`tasks.count\` and \`tasks.labels\` take the same filters; every filter given must hold (AND).

| field | meaning |
|---|---|
| \`projectId\` | tasks of this project, or of any of these projects |
| \`status\` | \`"open"\` (default), \`"completed"\` or \`"all"\` |
| \`search\` | whitespace-separated terms; each term must occur, case-insensitively, in the title or the description |
| \`priority\` | any of these priorities |
| \`labels\` | has at least one of these labels (case-insensitive) |
| \`dueFrom\`, \`dueTo\` | inclusive range of due dates; tasks without a due date do not match |
| \`hasDueDate\` | only tasks with (true) or without (false) a due date |
| \`includeArchivedProjects\` | default false: tasks of archived projects are left out unless their project is named in \`projectId\` |
| \`sort\` (\`tasks.list\`) | \`{ by, dir }\`; default \`createdAt\` descending; ties broken by id; tasks without a due date sort last in both directions |

\`projects.list\` filters by \`archived\` (default false: active projects only) and \`search\` (terms matched in the
name), ordered by name, then id.`;

const paging = `## Pagination

\`tasks.list\` and \`projects.list\` answer \`{ items, nextCursor }\`. \`limit\` (1–100, default 50) caps the page's
size. When \`nextCursor\` is a string, pass it as \`cursor\` with the same filters and sort to get the next page; when
it is null, that was the last page. Cursors are opaque: one that is malformed (any character added, changed or
removed) or that comes from another query fails with INVALID_CURSOR. Paging is stable while rows are inserted or
deleted: no row is returned twice, and none that existed throughout is skipped.`;

const errors = `## Errors

Every failure reaches the client as a tRPC error whose \`data.reason\` is one of these stable codes (the SDK's
\`errorReason(e)\` reads it):

| reason | tRPC code | HTTP status | when |
|---|---|---|---|
| VALIDATION | BAD_REQUEST | 400 (or as below) | the input fails its schema; \`data.issues\` lists \`{ path, message }\` |
| PROJECT_NOT_FOUND | NOT_FOUND | 404 | no project has this id |
| TASK_NOT_FOUND | NOT_FOUND | 404 | no task has this id |
| PROJECT_ARCHIVED | CONFLICT | 409 | rule 2 |
| PROJECT_NOT_EMPTY | CONFLICT | 409 | rule 3 |
| VERSION_MISMATCH | CONFLICT | 409 | rule 7 |
| INVALID_CURSOR | BAD_REQUEST | 400 | a cursor that is malformed or from another query |
| UNAUTHENTICATED | UNAUTHORIZED | 401 | access tokens are required and the call has none, or an unknown, revoked or expired one |
| FORBIDDEN | FORBIDDEN | 403 | a \`read\` token calling a mutation; a refused \`Origin\` or \`Host\` |
| INTERNAL | INTERNAL_SERVER_ERROR | 500 | anything else; the message reveals no internals |

Requests the API cannot take as a call are VALIDATION too, with the HTTP status that says why: an unknown procedure
(404), the wrong HTTP method (405), a body over the limit (413), a POST that is not \`application/json\` (415), a batch
over the limit or an unparsable input (400). Every answer under \`/trpc\` has the JSON shape above.

While at least one live access token exists, every \`/trpc\` call needs \`Authorization: Bearer <secret>\`: queries
accept \`read\` and \`write\` tokens, mutations only \`write\` tokens.`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(docsPath, renderApiDocs());
  console.info(`wrote ${docsPath}`);
}
