import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError, callTRPCProcedure, getTRPCErrorFromUnknown, getTRPCErrorShape } from "@trpc/server";
import { ZodRealError } from "zod";
import { appRouter, type Context } from "../api";
import { createDocsPage } from "./docs";
import { checkJsonBody, readBody } from "./guards";
import { internalError, Refusal, restErrorBody } from "./refusals";
import { noteFailure, noteProcedures, requestId, type Logger } from "./observability";
import { createOpenApiDocument, inputSchemaOf, isJoinedObject, procedureOf, type JsonSchema } from "./openapi";
import { version } from "./version";
import { isRestPath, pathKeys, restRoutes, takesBody, type RestRoute } from "./rest-routes";

export type RestOptions = {
  /** Makes a call's context: the same function the tRPC handler is given (it gets `{ req, res }` as there), so the same guards apply. */
  createContext: (opts: { req: IncomingMessage; res: ServerResponse }) => Context | Promise<Context>;
  /** Where faults of the server itself are reported. */
  log: Logger;
  /** The largest request body taken, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Serve the reference page at /docs (default true); off with the panel, the other page that calls the API from a browser. */
  docs?: boolean;
};

type Decode = (values: string[]) => unknown;

/** One value as text, repeats as a list of texts. */
const asGiven: Decode = (values) => (values.length === 1 ? values[0] : values);

/**
 * How a query-string parameter becomes the value the procedure's schema expects: only the shape changes (text to
 * number or boolean, repeats to an array, `by:dir` to an object); text that fits no shape is passed on as it is, for
 * the schema to refuse with its usual VALIDATION issue. An unknown parameter is passed on too, and refused the same way.
 */
function decoderFor(schema: JsonSchema): Decode {
  const single = (decode: (value: string) => unknown): Decode => (values) => (values.length === 1 ? decode(values[0] ?? "") : values);
  if (schema.type === "array") return (values) => values;
  if (schema.anyOf?.some((option) => option.type === "array")) return asGiven;
  if (schema.type === "boolean") return single((value) => (value === "true" ? true : value === "false" ? false : value));
  if (schema.type === "integer" || schema.type === "number") return single((value) => (/^-?\d+(\.\d+)?$/u.test(value) ? Number(value) : value));
  if (isJoinedObject(schema)) {
    const keys = Object.keys(schema.properties ?? {});
    return single((value) => {
      const parts = value.split(":");
      return parts.length > keys.length ? value : Object.fromEntries(parts.map((part, index) => [keys[index], part]));
    });
  }
  return asGiven;
}

type CompiledRoute = { route: RestRoute; pattern: RegExp; keys: string[]; decoders: Map<string, Decode> };

// Made on first use and shared by every server of the process: a server that is never called over REST pays nothing.
let compiledRoutes: CompiledRoute[] | undefined;
let openApiJson: string | undefined;

function compile(route: RestRoute): CompiledRoute {
  const pattern = new RegExp(`^${route.path.replace(/\{\w+\}/gu, "([^/]+)")}$`, "u");
  const decoders = new Map(Object.entries(inputSchemaOf(route).properties).map(([key, schema]) => [key, decoderFor(schema)]));
  return { route, pattern, keys: pathKeys(route), decoders };
}

/**
 * A key the path already gives may not come again in the query or body: refused as unknown, as any stray key is.
 * (ZodRealError, as zod's parse throws: tRPC keeps only an Error as the cause, and ZodError is not one.)
 */
function refuseRepeatedKeys(input: Record<string, unknown>, keys: string[]) {
  const repeated = keys.filter((key) => key in input);
  if (repeated.length > 0) {
    const issue = { code: "unrecognized_keys" as const, keys: repeated, path: [], message: "Given in the path", input };
    throw new TRPCError({ code: "BAD_REQUEST", message: "Invalid input", cause: new ZodRealError([issue]) });
  }
}

/** The JSON body of a POST or PATCH, read under the same checks and limit as /trpc's; an empty body is `{}`. */
async function readJsonBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<unknown> {
  checkJsonBody(req);
  const text = await readBody(req, res, limit);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new TRPCError({ code: "PARSE_ERROR", message: "The request body is not valid JSON" });
  }
}

/** A guard's refusal as a tRPC error (so it gets the REST error body), with the headers it asks for. */
function fromRefusal(cause: unknown, res: ServerResponse): unknown {
  if (!(cause instanceof Refusal)) return cause;
  for (const [name, value] of Object.entries(cause.headers)) res.setHeader(name, value);
  return new TRPCError({ code: cause.code, message: cause.message });
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const jsonHeaders = { "content-type": "application/json", "cache-control": "no-store", "x-content-type-options": "nosniff" };

/**
 * The REST surface (`/api/...`), its OpenAPI document (`/openapi.json`) and reference page (`/docs`). A REST call
 * only changes the shape of the input: it calls the same tRPC procedure, with the same context, through the router,
 * so validation, rules, access checks and error reasons are those of `/trpc`. Returns false for any other path.
 */
export function createRestHandler({ createContext, log, maxBodyBytes = 1024 * 1024, docs: docsOn = true }: RestOptions) {
  const docs = docsOn ? createDocsPage() : () => false;

  async function call(req: IncomingMessage, res: ServerResponse, url: URL) {
    compiledRoutes ??= restRoutes.map(compile);
    const matches = compiledRoutes.flatMap((compiled) => {
      const match = compiled.pattern.exec(url.pathname);
      return match ? [{ compiled, values: match.slice(1) }] : [];
    });
    const found = matches.find(({ compiled }) => compiled.route.method === req.method);
    let ctx: Context | undefined;
    let input: unknown;
    try {
      if (!found) {
        if (matches.length === 0) throw new TRPCError({ code: "NOT_FOUND", message: `No REST route ${url.pathname}` });
        res.setHeader("allow", [...new Set(matches.map(({ compiled }) => compiled.route.method))].join(", "));
        throw new TRPCError({ code: "METHOD_NOT_SUPPORTED", message: `${req.method} is not allowed on ${url.pathname}` });
      }
      const { compiled, values } = found;
      const { route } = compiled;
      noteProcedures(req, [route.procedure]);
      const params = Object.fromEntries(compiled.keys.map((key, index) => [key, decodeURIComponent(values[index] ?? "")]));
      let given: unknown;
      if (takesBody(route)) {
        given = await readJsonBody(req, res, maxBodyBytes);
      } else {
        const keys = [...new Set(url.searchParams.keys())];
        given = Object.fromEntries(keys.map((key) => [key, (compiled.decoders.get(key) ?? asGiven)(url.searchParams.getAll(key))]));
      }
      if (isPlainObject(given)) refuseRepeatedKeys(given, compiled.keys);
      // A body that is not an object goes to the schema as it is, which says what it expected.
      input = isPlainObject(given) ? { ...given, ...params } : given;
      ctx = await createContext({ req, res });
      const data: unknown = await callTRPCProcedure({
        router: appRouter,
        path: route.procedure,
        getRawInput: () => Promise.resolve(input),
        ctx,
        type: procedureOf(route.procedure).type,
        signal: undefined,
        batchIndex: 0,
      });
      const headers: Record<string, string> = { ...jsonHeaders };
      if (route.created && isPlainObject(data) && typeof data.id === "string") headers.location = `${url.pathname}/${encodeURIComponent(data.id)}`;
      const body = JSON.stringify(data);
      res.writeHead(route.created ? 201 : 200, headers).end(body);
    } catch (cause) {
      const error =
        cause instanceof URIError ? new TRPCError({ code: "BAD_REQUEST", message: "The path is not valid percent-encoding" }) : getTRPCErrorFromUnknown(fromRefusal(cause, res));
      const path = found?.compiled.route.procedure;
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error.cause ?? error, procedure: path, requestId: requestId(req) }, "procedure failed");
      const shape = getTRPCErrorShape({ config: appRouter._def._config, error, type: "unknown", path, input, ctx });
      const { reason, issues, httpStatus } = shape.data;
      noteFailure(req, reason, path);
      res.writeHead(httpStatus, jsonHeaders).end(restErrorBody({ reason, message: shape.message, ...(issues && { issues }) }));
    }
  }

  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (isRestPath(url.pathname)) {
      call(req, res, url).catch((error: unknown) => {
        // Only a fault in answering the refusal itself gets here; the request still gets an answer.
        noteFailure(req, "INTERNAL");
        log.error({ err: error, requestId: requestId(req) }, "request failed");
        if (!res.headersSent) res.writeHead(500, jsonHeaders).end(restErrorBody({ reason: "INTERNAL", message: internalError().message }));
      });
      return true;
    }
    if (url.pathname === "/openapi.json" && req.method === "GET") {
      openApiJson ??= JSON.stringify(createOpenApiDocument(version));
      res.writeHead(200, jsonHeaders).end(openApiJson);
      return true;
    }
    return docs(req, res, url.pathname);
  };
}
