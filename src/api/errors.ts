import { TRPCError, type TRPC_ERROR_CODE_KEY, type TRPCDefaultErrorShape as DefaultErrorShape } from "@trpc/server";
import { ZodError, type z } from "zod";
import { DomainError, type ErrorReason } from "../domain";

const codeOfReason: Record<DomainError["reason"], TRPC_ERROR_CODE_KEY> = {
  PROJECT_NOT_FOUND: "NOT_FOUND",
  TASK_NOT_FOUND: "NOT_FOUND",
  PROJECT_ARCHIVED: "CONFLICT",
  PROJECT_NOT_EMPTY: "CONFLICT",
  VERSION_MISMATCH: "CONFLICT",
  INVALID_CURSOR: "BAD_REQUEST",
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
};

/** A domain rule's refusal becomes a tRPC error with the matching code; anything else stays internal. */
export function toTRPCError(error: unknown): TRPCError | undefined {
  if (error instanceof DomainError) {
    return new TRPCError({ code: codeOfReason[error.reason], message: error.message, cause: error });
  }
  return undefined;
}

type Issue = { path: (string | number)[]; message: string };

type ErrorData = {
  code: TRPC_ERROR_CODE_KEY;
  httpStatus: number;
  path?: string;
  reason: ErrorReason;
  issues?: Issue[];
};

export function reasonOf(error: TRPCError): ErrorReason {
  if (error.cause instanceof DomainError) return error.cause.reason;
  if (error.code === "INTERNAL_SERVER_ERROR") return "INTERNAL";
  // Every other failure tRPC itself reports (bad input, unparsable JSON, unknown procedure, wrong
  // HTTP method) is a request the client must change.
  return "VALIDATION";
}

/** A zod issue as the wire shows it; an unknown key gets an issue of its own whose path ends at that key. */
function toIssues(issue: z.core.$ZodIssue): Issue[] {
  // Stryker disable next-line ConditionalExpression: the schemas' keys are strings and numbers, which both branches put on the wire unchanged
  const path = issue.path.map((key) => (typeof key === "number" ? key : String(key)));
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: [...path, key], message: `Unknown key "${key}"` }));
  }
  return [{ path, message: issue.message }];
}

/**
 * The shape every error takes on the wire: SPEC's `data.reason`, the schema's issues for VALIDATION,
 * and for INTERNAL a message that says nothing of SQL, stacks or paths.
 */
export function formatError<TShape extends DefaultErrorShape>({ shape, error }: { shape: TShape; error: TRPCError }) {
  const reason = reasonOf(error);
  const issues = reason === "VALIDATION" && error.cause instanceof ZodError ? error.cause.issues.flatMap(toIssues) : undefined;
  const message =
    reason === "INTERNAL"
      ? "Internal server error"
      : issues
        ? `Invalid input: ${issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ")}`
        : error.message;
  const data: ErrorData = {
    code: shape.data.code,
    httpStatus: shape.data.httpStatus,
    // Stryker disable next-line ConditionalExpression: a path of undefined is left out of the JSON all the same
    ...(shape.data.path !== undefined && { path: shape.data.path }),
    reason,
    ...(issues && { issues }),
  };
  return { message, code: shape.code, data } satisfies Omit<DefaultErrorShape, "data"> & { data: ErrorData };
}
