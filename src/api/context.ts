import type { Repositories } from "../data/repository";

/**
 * Who is calling: a request over HTTP, with its Authorization header (or none), or the CLI running on the
 * database file itself, which is trusted as whoever can open that file already is.
 */
export type Credential = { authorization: string | undefined } | "trusted-local";

/** What the caller may do: "none" when tokens are required and it has no live one. */
export type Access = "write" | "read" | "none";

/** `tokenName`: the name of the live token the call presented, if any (for the request log). */
export type Context = { repositories: Repositories; access: Access; tokenName?: string };

const bearer = /^Bearer +(\S+) *$/iu;

/**
 * The one place a request's context is made; tests pass their own database's repositories. While a live token
 * exists, an HTTP caller gets the scope of the token it presents, or none; with no live token the API is open (the
 * server refuses to listen beyond loopback then, unless told to allow anonymous access). Made in one step, without
 * an async helper and a spread of its answer: it runs on every call.
 */
export async function createContext(repositories: Repositories, credential: Credential): Promise<Context> {
  if (credential === "trusted-local") return { repositories, access: "write" };
  const { authorization } = credential;
  // Stryker disable next-line ConditionalExpression: a shortcut; no header finds no secret either way
  const secret = authorization === undefined ? undefined : bearer.exec(authorization)?.[1];
  const token = secret === undefined ? undefined : await repositories.tokens.authenticate(secret);
  if (token) return { repositories, access: token.scope, tokenName: token.name };
  return { repositories, access: (await repositories.tokens.hasLiveTokens()) ? "none" : "write" };
}
