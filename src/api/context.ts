import type { Repositories } from "../data/repository";

export type Context = { repositories: Repositories };

/** The one place a request's context is made; tests pass their own database's repositories. */
export function createContext(repositories: Repositories): Context {
  return { repositories };
}
