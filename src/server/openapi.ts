import type { AnyTRPCProcedure } from "@trpc/server";
import { z } from "zod";
import { appRouter } from "../api";
import {
  deletedSchema,
  type ErrorReason,
  errorReasons,
  labelUsageListSchema,
  labelUsageSchema,
  projectPageSchema,
  projectSchema,
  taskCountSchema,
  taskPageSchema,
  taskSchema,
} from "../domain";
import { pathKeys, restRoutes, statusOfReason, takesBody, type RestRoute } from "./rest-routes";

/** The part of JSON Schema this module reads. */
export type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  [keyword: string]: unknown;
};

type ProcedureDef = { type: "query" | "mutation" | "subscription"; inputs: z.ZodType[]; output?: z.ZodType };

/** A procedure of the router by its path; its schemas are the ones tRPC validates with. */
export function procedureOf(path: string): ProcedureDef {
  // The router keeps a flat map of its procedures by path, which its type does not show.
  const procedure = (appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure | undefined>)[path];
  if (!procedure) throw new Error(`REST route names an unknown procedure: ${path}`);
  return procedure._def as unknown as ProcedureDef;
}

/** The properties of a route's input, from the procedure's own zod schema, with the keys its path carries left out. */
export function inputSchemaOf(route: RestRoute): { properties: Record<string, JsonSchema>; required: string[] } {
  const [input] = procedureOf(route.procedure).inputs;
  const schema = (input ? z.toJSONSchema(input, { io: "input" }) : {}) as JsonSchema;
  const inPath = pathKeys(route);
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([key]) => !inPath.includes(key)));
  return { properties, required: (schema.required ?? []).filter((key) => !inPath.includes(key)) };
}

/** An object input key (the task sort) travels in a query string as its values joined by ":", e.g. `dueDate:asc`. */
export const isJoinedObject = (schema: JsonSchema): boolean => schema.type === "object";

/** How a query-string parameter is written: arrays repeat the parameter, an object joins its values with ":". */
function queryParameterSchema(schema: JsonSchema): JsonSchema {
  const list = schema.anyOf?.find((option) => option.type === "array");
  if (list) return { ...list, description: "Repeat the parameter for several values." };
  if (!isJoinedObject(schema)) return schema;
  const keys = Object.keys(schema.properties ?? {});
  const choices = keys.map((key) => schema.properties?.[key]?.enum ?? []);
  const [first = [], second = []] = choices;
  const joined = (values: unknown[]) => values.map(String);
  return {
    type: "string",
    // `by` alone takes the default direction; `by:dir` names it.
    enum: [...joined(first), ...joined(first).flatMap((value) => joined(second).map((other) => `${value}:${other}`))],
    description: `Written as ${keys.join(":")}; ${keys.slice(1).join(", ")} may be left out.`,
    ...(schema.default !== undefined && { default: Object.values(schema.default as object).join(":") }),
  };
}

const outputComponents = z.registry<{ id: string }>();
outputComponents.add(projectSchema, { id: "Project" });
outputComponents.add(projectPageSchema, { id: "ProjectPage" });
outputComponents.add(taskSchema, { id: "Task" });
outputComponents.add(taskPageSchema, { id: "TaskPage" });
outputComponents.add(taskCountSchema, { id: "TaskCount" });
outputComponents.add(labelUsageSchema, { id: "LabelUsage" });
outputComponents.add(labelUsageListSchema, { id: "LabelUsageList" });
outputComponents.add(deletedSchema, { id: "Deleted" });

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

const errorBody = (reasons: ErrorReason[]): JsonSchema => ({
  type: "object",
  required: ["error"],
  additionalProperties: false,
  properties: {
    error: {
      type: "object",
      required: ["reason", "message"],
      additionalProperties: false,
      properties: {
        reason: { type: "string", enum: reasons },
        message: { type: "string" },
        issues: { type: "array", items: ref("Issue"), description: "With VALIDATION: what is wrong, and where in the input." },
      },
    },
  },
});

/** Every operation can be refused for bad input, a missing or refused token, a refused origin, or a fault of the server. */
function errorResponses(route: RestRoute) {
  const byStatus = new Map<number, ErrorReason[]>();
  const add = (status: number, reason: ErrorReason) => byStatus.set(status, [...new Set([...(byStatus.get(status) ?? []), reason])]);
  for (const reason of ["VALIDATION", "UNAUTHENTICATED", "FORBIDDEN", "INTERNAL", ...route.errors] as const) add(statusOfReason[reason], reason);
  if (takesBody(route)) {
    add(413, "VALIDATION");
    add(415, "VALIDATION");
  }
  return Object.fromEntries(
    [...byStatus].map(([status, reasons]) => [
      String(status),
      { description: reasons.join(", "), content: { "application/json": { schema: errorBody(reasons) } } },
    ]),
  );
}

function operation(route: RestRoute) {
  const { output } = procedureOf(route.procedure);
  const { properties, required } = inputSchemaOf(route);
  const parameters = [
    ...pathKeys(route).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
    ...(takesBody(route)
      ? []
      : Object.entries(properties).map(([name, schema]) => ({ name, in: "query", required: required.includes(name), schema: queryParameterSchema(schema) }))),
  ];
  const outputId = output && outputComponents.get(output)?.id;
  return {
    operationId: route.procedure.replace(/\.(\w)/u, (_, letter: string) => letter.toUpperCase()),
    summary: route.summary,
    description: `Calls the tRPC procedure \`${route.procedure}\`.`,
    tags: [route.procedure.split(".")[0]],
    ...(parameters.length > 0 && { parameters }),
    ...(takesBody(route) && {
      requestBody: {
        required: required.length > 0,
        content: { "application/json": { schema: { type: "object", properties, required, additionalProperties: false } } },
      },
    }),
    responses: {
      [route.created ? "201" : "200"]: {
        description: route.summary,
        content: { "application/json": { schema: outputId ? ref(outputId) : {} } },
      },
      ...errorResponses(route),
    },
  };
}

/** The OpenAPI 3.1 document of the REST surface, generated from the route table and the procedures' zod schemas. */
export function createOpenApiDocument(version: string) {
  const { schemas } = z.toJSONSchema(outputComponents, { io: "output", uri: (id) => `#/components/schemas/${id}` });
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const route of restRoutes) paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  return {
    openapi: "3.1.0",
    info: {
      title: "taskrpc REST API",
      version,
      description:
        "The REST face of the taskrpc tRPC API: the same procedures, rules and error reasons. " +
        'Every failure answers `{"error":{"reason","message","issues"?}}` with the HTTP status of its reason.',
    },
    paths,
    // While the server has live access tokens, every call needs one; with none it is open (on loopback only).
    security: [{ bearer: [] }, {}],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An access token made with `taskrpc tokens create`." } },
      schemas: {
        // Without zod's $id, which would make each component the base of the #/components/... references inside it.
        ...Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _, $id: _id, ...schema }]) => [id, schema])),
        Issue: {
          type: "object",
          required: ["path", "message"],
          properties: { path: { type: "array", items: { type: ["string", "integer"] } }, message: { type: "string" } },
        },
        Error: errorBody([...errorReasons]),
      },
    },
  };
}
