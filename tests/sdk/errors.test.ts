import { createClient, errorReason, errorReasons, isTaskRpcError, type ErrorReason } from "@taskrpc/sdk";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { ErrorReason as ServerReason } from "../../src/domain";
import { serveInProcess } from "../support/server";

/**
 * An app may hold its own @trpc/client beside the one the SDK resolves (its tRPC integration pins a version);
 * the errors its client throws are instances of that copy's class only. So the SDK recognises an API error by
 * its shape, and these tests build one from a class that is not @trpc/client's.
 */
class OtherCopyOfTRPCClientError extends Error {
  constructor(
    message: string,
    readonly data: unknown,
  ) {
    super(message);
    this.name = "TRPCClientError";
  }
}

describe("isTaskRpcError and errorReason", () => {
  it("read a real API error over HTTP", async () => {
    const { url } = await serveInProcess();
    const error = await createClient({ url })
      .tasks.get.query({ id: "missing" })
      .catch((caught: unknown) => caught);
    expect(isTaskRpcError(error)).toBe(true);
    expect(errorReason(error)).toBe("TASK_NOT_FOUND");
  });

  it("recognise an error of the same shape from another copy of @trpc/client", () => {
    const error = new OtherCopyOfTRPCClientError("Project not found", { code: "NOT_FOUND", httpStatus: 404, reason: "PROJECT_NOT_FOUND" });
    expect(isTaskRpcError(error)).toBe(true);
    expect(errorReason(error)).toBe("PROJECT_NOT_FOUND");
    expect(errorReason(new OtherCopyOfTRPCClientError("no token", { code: "UNAUTHORIZED", httpStatus: 401, reason: "UNAUTHENTICATED" }))).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("refuse what is not an error of this API", () => {
    const notOurs = [
      new Error("TASK_NOT_FOUND"),
      Object.assign(new Error("plain"), { data: { reason: "TASK_NOT_FOUND" } }),
      new OtherCopyOfTRPCClientError("network", undefined),
      new OtherCopyOfTRPCClientError("other API", { code: "NOT_FOUND", httpStatus: 404 }),
      new OtherCopyOfTRPCClientError("other API", { reason: "SOMETHING_ELSE" }),
      new OtherCopyOfTRPCClientError("other API", { reason: 404 }),
      { name: "TRPCClientError", data: null },
      null,
      "TRPCClientError",
    ];
    for (const value of notOurs) {
      expect(isTaskRpcError(value), String(value)).toBe(false);
      expect(errorReason(value)).toBeUndefined();
    }
  });

  it("list every reason the server gives, and the access tokens' two", () => {
    expectTypeOf<ServerReason>().toExtend<(typeof errorReasons)[number]>();
    expectTypeOf<ErrorReason>().toEqualTypeOf<ServerReason>();
    expect(errorReasons).toEqual(expect.arrayContaining(["VALIDATION", "INVALID_CURSOR", "UNAUTHENTICATED", "FORBIDDEN", "INTERNAL"]));
  });
});
