import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pino, type Logger } from "pino";
import { Counter, Gauge, Registry, type Metric } from "prom-client";
import { appRouter } from "../api";
import { systemClock } from "../data";
import type { LogLevel } from "./config";
import { parseTarget } from "./guards";

export type { Logger };

/**
 * The server's log: JSON lines on stdout, or readable lines when stdout is a terminal and pino-pretty (a
 * development dependency, loaded by name, outside the bundle) is installed. JSON is written asynchronously (a write
 * per request in the request's path cost a tenth of a point read) and in batches: lines are held until 4 KiB or
 * 100 ms have gathered (a write call per line cost 3% of a point read). pino flushes what is still buffered
 * synchronously when the process exits, so that the last lines (the shutdown's) are not lost.
 */
export async function createLogger(level: LogLevel, stdout: { isTTY?: boolean; fd: number } = process.stdout): Promise<Logger> {
  if (stdout.isTTY) {
    try {
      const { default: pretty } = await import("pino-pretty");
      return pino({ level }, pretty({ destination: stdout.fd, sync: true, ignore: "pid,hostname", singleLine: true }));
    } catch {
      // Not installed (a production install): JSON, as on any other stdout.
    }
  }
  const destination = pino.destination({ dest: stdout.fd, sync: false, minLength: 4096, periodicFlush: 100, maxLength: logBufferBytes });
  let dropped = 0;
  let warnedAt = -Infinity;
  destination.on("drop", () => {
    dropped++;
    const now = performance.now();
    if (now - warnedAt < 10_000) return;
    warnedAt = now;
    process.stderr.write(`taskrpc: stdout is not being read: ${dropped} log line(s) dropped so far, rather than hold more than ${logBufferBytes} bytes\n`);
  });
  return pino({ level, base: undefined, timestamp: isoTime }, destination);
}

/**
 * The most log output held while stdout is not read (a stalled pipe or log shipper): past it, lines are dropped
 * and counted on stderr (at most once every 10 s) rather than held until the process runs out of memory.
 */
const logBufferBytes = 16 * 1024 * 1024;

/** pino's isoTime, from the system clock's cheaper ISO text. */
const isoTime = () => `,"time":"${systemClock()}"`;

/** What one request did, filled in while it is answered, for its log line and the metrics. */
type RequestRecord = {
  id: string;
  /** The target's path, and whether it asks for a batch (read once, when the request arrives). */
  path: string | undefined;
  batch: boolean;
  /** Procedures called, in order (a batch has several). */
  procedures: string[];
  /** The reason of each failed procedure (made at the first failure), and of a refusal of the whole request. */
  reasons?: Map<string, string>;
  reason?: string;
  tokenName?: string;
};

/**
 * Each request's record, kept on its request object (which every step that notes something has at hand) under a
 * key of this module's own: a property costs less than a WeakMap entry, which a profile found at 1.7 µs a request.
 */
const recordKey = Symbol("taskrpc request record");
type Tracked = IncomingMessage & { [recordKey]?: RequestRecord };
const recordOf = (req: IncomingMessage): RequestRecord | undefined => (req as Tracked)[recordKey];

/** The procedures a request calls (REST knows its one; /trpc's are read from its path). */
export function noteProcedures(req: IncomingMessage, procedures: string[]): void {
  const record = recordOf(req);
  if (record) record.procedures = procedures;
}

/** A call failed (procedure given) or the whole request was refused (none), with this reason. */
export function noteFailure(req: IncomingMessage, reason: string, procedure?: string): void {
  const record = recordOf(req);
  if (!record) return;
  if (procedure !== undefined) (record.reasons ??= new Map()).set(procedure, reason);
  record.reason ??= reason;
}

export function noteToken(req: IncomingMessage, name: string | undefined): void {
  const record = recordOf(req);
  if (record && name !== undefined) record.tokenName = name;
}

/** The id of a request (to tie an error line to its request line). */
export const requestId = (req: IncomingMessage): string | undefined => recordOf(req)?.id;

/** A client's id is kept when it is short and plain (it goes into logs and headers), else a new one is made. */
const acceptableId = /^[\w.:-]{1,128}$/u;

const procedureNames = new Set(Object.keys(appRouter._def.procedures));
/** Only known names become metric labels: a client choosing the label values could make the metrics grow without end. */
const labelOf = (procedure: string) => (procedureNames.has(procedure) ? procedure : "unknown");

/** The target as the server takes it, or none: a fault reading it (the server answers it INTERNAL) must not stop the log line. */
function targetOf(req: IncomingMessage): URL | undefined {
  try {
    return parseTarget(req);
  } catch {
    return undefined;
  }
}

/** A target the server refuses, read as well as it can be for the log line. */
function refusedTargetOf(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? "", "http://x");
  } catch {
    return undefined;
  }
}

/** The procedures named in a /trpc path (`/trpc/a,b` for a batch); none for other paths. */
function trpcProcedures(url: URL | undefined): string[] {
  const names = url?.pathname.startsWith("/trpc/") ? url.pathname.slice("/trpc/".length) : "";
  if (names === "") return [];
  try {
    return (names.includes("%") ? decodeURIComponent(names) : names).split(",");
  } catch {
    return [names];
  }
}

export type Observability = {
  /**
   * Runs the handling of one request with its record: gives it an id, and logs and counts it once answered. The
   * handling gets the request's target, parsed once here (none when it does not parse as a path).
   */
  track(req: IncomingMessage, res: ServerResponse, handle: (target: URL | undefined) => void): void;
  /** The metrics in Prometheus' text format, with its content type. */
  metrics(): Promise<{ contentType: string; text: string }>;
};

export function createObservability(log: Logger, databaseBytes: () => number): Observability {
  // A registry per server, so that several servers in one process (tests) count apart.
  const registry = new Registry();
  // Requests are counted in plain numbers, per label set, and handed to prom-client when the metrics are read:
  // each of its increments hashes the labels again. (The label sets are bounded: known procedures, reasons, statuses.)
  const counts = new Map<string, { labels: { procedure: string; reason: string; status: string }; pending: number }>();
  new Counter({
    name: "taskrpc_requests_total",
    help: "Requests answered, by procedure (one count per call of a batch; 'none' outside the API), reason (OK when it succeeded) and HTTP status",
    labelNames: ["procedure", "reason", "status"],
    registers: [registry],
    collect() {
      for (const count of counts.values()) {
        if (count.pending > 0) this.inc(count.labels, count.pending);
        count.pending = 0;
      }
    },
  });
  const duration = latencyHistogram(registry);
  let inFlight = 0;
  new Gauge({
    name: "taskrpc_requests_in_flight",
    help: "Requests being answered",
    registers: [registry],
    collect() {
      this.set(inFlight);
    },
  });
  new Gauge({
    name: "taskrpc_database_bytes",
    help: "Size of the database file and its write-ahead log",
    registers: [registry],
    collect() {
      this.set(databaseBytes());
    },
  });

  function countOf(procedure: string, reason: string, status: string) {
    const key = `${procedure} ${reason} ${status}`;
    let count = counts.get(key);
    if (!count) counts.set(key, (count = { labels: { procedure, reason, status }, pending: 0 }));
    return count;
  }

  function finish(req: IncomingMessage, res: ServerResponse, record: RequestRecord, started: bigint) {
    inFlight--;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = res.statusCode;
    const batch = record.procedures.length > 1 || record.batch;
    // In a batch where some calls failed, the others succeeded; otherwise a refusal is the whole request's.
    const { reasons } = record;
    const whole = (reasons ? "OK" : record.reason) ?? (status < 400 ? "OK" : status < 500 ? "VALIDATION" : "INTERNAL");
    const statusLabel = String(status);
    const procedures = record.procedures.length > 0 ? record.procedures : ["none"];
    for (let first = 0; first < procedures.length; ) {
      const procedure = procedures[first]!;
      // Calls alike in a row (a batch of one procedure) are counted and timed in one step.
      let end = first + 1;
      if (!reasons) while (procedures[end] === procedure) end++;
      const label = record.procedures.length > 0 ? labelOf(procedure) : "none";
      countOf(label, reasons?.get(procedure) ?? whole, statusLabel).pending += end - first;
      duration.observe(label, seconds, end - first);
      first = end;
    }
    // Built field by field, in the order of the line, rather than by spreading a literal per optional field.
    // The path only: a query may carry a call's input, which is the users' data.
    const line: Record<string, unknown> = { requestId: record.id, method: req.method, path: record.path };
    if (batch) line.procedures = record.procedures;
    else if (record.procedures[0] !== undefined) line.procedure = record.procedures[0];
    line.status = status;
    if (record.reason !== undefined) line.reason = record.reason;
    if (batch && reasons) line.reasons = Object.fromEntries(reasons);
    line.durationMs = Math.round(seconds * 1e4) / 10;
    if (record.tokenName !== undefined) line.token = record.tokenName;
    if (!res.writableFinished) line.aborted = true;
    log.info(line, "request");
  }

  return {
    track(req, res, handle) {
      const started = process.hrtime.bigint();
      const given = req.headers["x-request-id"];
      const id = typeof given === "string" && acceptableId.test(given) ? given : randomUUID();
      res.setHeader("x-request-id", id);
      const target = targetOf(req);
      const url = target ?? refusedTargetOf(req);
      const record: RequestRecord = {
        id,
        path: url?.pathname,
        batch: url?.searchParams.get("batch") === "1",
        procedures: trpcProcedures(url),
      };
      (req as Tracked)[recordKey] = record;
      inFlight++;
      // (A response closes once: `on` spares the wrapper `once` makes.)
      res.on("close", () => finish(req, res, record, started));
      handle(target);
    },
    metrics: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
  };
}

const latencyBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * taskrpc_request_duration_seconds, one series per procedure, kept in plain numbers and given to the registry in
 * prom-client's form. prom-client's Histogram hashes its labels on every observation (about 5 µs, 2% of a point
 * read) and takes one observation at a time, where a batch of ten calls of a procedure is ten of the same value.
 */
function latencyHistogram(registry: Registry) {
  const name = "taskrpc_request_duration_seconds";
  const help = "Time from a request's arrival to the end of its answer, by procedure";
  const series = new Map<string, { counts: number[]; sum: number; count: number }>();
  const get = () => ({
    name,
    help,
    type: "histogram",
    aggregator: "sum",
    values: [...series].flatMap(([procedure, { counts, sum, count }]) => {
      let below = 0;
      return [
        ...latencyBuckets.map((le, index) => ({ metricName: `${name}_bucket`, labels: { le, procedure }, value: (below += counts[index]!) })),
        { metricName: `${name}_bucket`, labels: { le: "+Inf", procedure }, value: count },
        { metricName: `${name}_sum`, labels: { procedure }, value: sum },
        { metricName: `${name}_count`, labels: { procedure }, value: count },
      ];
    }),
  });
  registry.registerMetric({ name, help, get, reset: () => series.clear() } as unknown as Metric);
  return {
    /** `times` calls of `procedure` that each took `seconds`. */
    observe(procedure: string, seconds: number, times: number) {
      let entry = series.get(procedure);
      if (!entry) series.set(procedure, (entry = { counts: latencyBuckets.map(() => 0), sum: 0, count: 0 }));
      const bucket = latencyBuckets.findIndex((le) => seconds <= le);
      if (bucket !== -1) entry.counts[bucket]! += times;
      entry.sum += seconds * times;
      entry.count += times;
    },
  };
}
