/** Exit codes: 0 done, 1 the service refused or failed (any reason but VALIDATION), 2 bad flags or input. */
export const exitCodes = { ok: 0, refused: 1, usage: 2 } as const;

/** A command's failure, already worded as `REASON: detail`. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
