/** The stable failure reasons of SPEC; clients branch on these, so they never change. */
export const errorReasons = [
  "VALIDATION",
  "PROJECT_NOT_FOUND",
  "TASK_NOT_FOUND",
  "PROJECT_ARCHIVED",
  "PROJECT_NOT_EMPTY",
  "VERSION_MISMATCH",
  "INVALID_CURSOR",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "INTERNAL",
] as const;

export type ErrorReason = (typeof errorReasons)[number];

/** A rule of the domain said no. Thrown by the data layer, turned into a tRPC error by the API. */
export class DomainError extends Error {
  constructor(
    readonly reason: Exclude<ErrorReason, "VALIDATION" | "INTERNAL">,
    message: string,
  ) {
    super(message);
    // Stryker disable next-line StringLiteral: seen only in a stack trace; answers and log lines carry the reason and message
    this.name = "DomainError";
  }
}
