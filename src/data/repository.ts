import type {
  CreateProjectInput,
  CreateTaskInput,
  LabelUsage,
  ListProjectsInput,
  Page,
  Project,
  ProjectChangeInput,
  Task,
  TaskChangeInput,
  CreateTokenInput,
  TokenInfo,
  TokenScope,
  TaskFilter,
  TaskQuery,
  UpdateProjectInput,
  UpdateTaskInput,
} from "../domain";

/**
 * What the API may ask of storage, in plain domain values. Inputs are already parsed by the domain
 * schemas (defaults applied). Every method answers with a promise (a store may be remote); a rule violation rejects
 * it with a DomainError with a SPEC reason.
 */
export interface ReadRepository {
  getProject(id: string): Promise<Project>;
  listProjects(query: ListProjectsInput): Promise<Page<Project>>;
  getTask(id: string): Promise<Task>;
  listTasks(query: TaskQuery): Promise<Page<Task>>;
  countTasks(filter: TaskFilter): Promise<number>;
  /** The labels carried by the tasks the filter selects, each once (lower-cased), in label order. */
  listLabels(filter: TaskFilter): Promise<LabelUsage[]>;
}

/** Every write is atomic: it changes all it says, or nothing. */
export interface Repository extends ReadRepository {
  createProject(input: CreateProjectInput): Promise<Project>;
  updateProject(input: UpdateProjectInput): Promise<Project>;
  archiveProject(input: ProjectChangeInput): Promise<Project>;
  unarchiveProject(input: ProjectChangeInput): Promise<Project>;
  deleteProject(input: ProjectChangeInput): Promise<{ id: string }>;
  createTask(input: CreateTaskInput): Promise<Task>;
  updateTask(input: UpdateTaskInput): Promise<Task>;
  completeTask(input: TaskChangeInput): Promise<Task>;
  reopenTask(input: TaskChangeInput): Promise<Task>;
  deleteTask(input: TaskChangeInput): Promise<{ id: string }>;
}

/** Access tokens. Only a hash of each secret is stored; the secret is returned once, by `create`. */
export interface TokenStore {
  /** A new token and its secret, or "name-taken" when a token of that name exists. */
  create(input: CreateTokenInput): Promise<{ token: TokenInfo; secret: string } | "name-taken">;
  /** Every token (expired ones too), by name. */
  list(): Promise<TokenInfo[]>;
  /** Deletes the token; false when there is none of that name. */
  revoke(name: string): Promise<boolean>;
  /** The name and scope of the live token with this secret (recording its use), or undefined. */
  authenticate(secret: string): Promise<{ name: string; scope: TokenScope } | undefined>;
  /** Whether any token is live: only then must API calls carry one. */
  hasLiveTokens(): Promise<boolean>;
}

/**
 * The views a request may get: queries read through `read`, mutations write through `write`; `tokens` is for
 * building the context (who is calling), never for procedures.
 */
export interface Repositories {
  read: ReadRepository;
  write: Repository;
  tokens: TokenStore;
}

export type Clock = () => string;
let clockSecond = Number.NaN;
let clockPrefix = "";
/**
 * `new Date().toISOString()`, with the text up to the second made once a second: a Date and its ISO string cost
 * microseconds, and every API call reads the clock (the token check) and the request log line carries the time.
 */
export const systemClock: Clock = () => {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== clockSecond) {
    clockSecond = second;
    clockPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const ms = now - second * 1000;
  return `${clockPrefix}${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}Z`;
};

/** What a repository needs from the world; tests pass deterministic ones. */
export type Environment = {
  /** The current time as an ISO-8601 UTC string. */
  clock?: Clock;
  /** A new unique id (at most 64 characters). */
  newId?: () => string;
  /** The key cursors are signed with: by default a database keeps its own, and an in-memory store makes one. */
  cursorSecret?: string;
};
