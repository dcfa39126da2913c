import { createTRPCClient, localLink, TRPCClientError } from "@trpc/client";
import { expect } from "vitest";
import { appRouter, createContext, type AppRouter } from "../../src/api";
import type { Repositories } from "../../src/data";
import type { ErrorReason } from "../../src/domain";
import { openTestDatabase } from "./database";

/**
 * A typed client over localLink: every call goes through input parsing, serialization and the error formatter.
 * It calls as an HTTP client would, with `authorization` as its Authorization header.
 */
export function createTestClient(repositories: Repositories = openTestDatabase(), authorization?: string) {
  return createTRPCClient<AppRouter>({
    links: [localLink({ router: appRouter, createContext: async () => createContext(repositories, { authorization }) })],
  });
}

export type TestClient = ReturnType<typeof createTestClient>;

/** Awaits a call that must fail, checks its `data.reason` and returns the error for further checks. */
export async function expectReason(call: Promise<unknown>, reason: ErrorReason) {
  const error = await call.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error, `expected the call to fail with ${reason}`).toBeInstanceOf(TRPCClientError);
  const clientError = error as TRPCClientError<AppRouter>;
  expect(clientError.data?.reason).toBe(reason);
  return clientError;
}
