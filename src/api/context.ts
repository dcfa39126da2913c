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
 * While a live token exists, an HTTP caller gets the scope of the token it presents, or none; with no live token
 * the API is open (the server refuses to listen beyond loopback then, unless told to allow anonymous access).
 */
async function accessOf(repositories: Repositories, credential: Credential): Promise<Pick<Context, "access" | "tokenName">> {
  if (credential === "trusted-local") return { access: "write" };
  // Stryker disable next-line StringLiteral: any string without "Bearer " finds no secret, as the empty one does
  const secret = bearer.exec(credential.authorization ?? "")?.[1];
  const token = secret === undefined ? undefined : await repositories.tokens.authenticate(secret);
  if (token) return { access: token.scope, tokenName: token.name };
  return { access: (await repositories.tokens.hasLiveTokens()) ? "none" : "write" };
}

/** The one place a request's context is made; tests pass their own database's repositories. */
export async function createContext(repositories: Repositories, credential: Credential): Promise<Context> {
  return { repositories, ...(await accessOf(repositories, credential)) };
}
