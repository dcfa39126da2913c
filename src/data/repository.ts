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
 * schemas (defaults applied). Rule violations throw DomainError with a SPEC reason.
 */
export interface ReadRepository {
  getProject(id: string): Project;
  listProjects(query: ListProjectsInput): Page<Project>;
  getTask(id: string): Task;
  listTasks(query: TaskQuery): Page<Task>;
  countTasks(filter: TaskFilter): number;
  /** The labels carried by the tasks the filter selects, each once (lower-cased), in label order. */
  listLabels(filter: TaskFilter): LabelUsage[];
}

/** Every write is atomic: it changes all it says, or nothing. */
export interface Repository extends ReadRepository {
  createProject(input: CreateProjectInput): Project;
  updateProject(input: UpdateProjectInput): Project;
  archiveProject(input: ProjectChangeInput): Project;
  unarchiveProject(input: ProjectChangeInput): Project;
  deleteProject(input: ProjectChangeInput): { id: string };
  createTask(input: CreateTaskInput): Task;
  updateTask(input: UpdateTaskInput): Task;
  completeTask(input: TaskChangeInput): Task;
  reopenTask(input: TaskChangeInput): Task;
  deleteTask(input: TaskChangeInput): { id: string };
}

/** Access tokens. Only a hash of each secret is stored; the secret is returned once, by `create`. */
export interface TokenStore {
  /** A new token and its secret, or "name-taken" when a token of that name exists. */
  create(input: CreateTokenInput): { token: TokenInfo; secret: string } | "name-taken";
  /** Every token (expired ones too), by name. */
  list(): TokenInfo[];
  /** Deletes the token; false when there is none of that name. */
  revoke(name: string): boolean;
  /** The name and scope of the live token with this secret (recording its use), or undefined. */
  authenticate(secret: string): { name: string; scope: TokenScope } | undefined;
  /** Whether any token is live: only then must API calls carry one. */
  hasLiveTokens(): boolean;
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
export const systemClock: Clock = () => new Date().toISOString();

/** What a repository needs from the world; tests pass deterministic ones. */
export type Environment = {
  /** The current time as an ISO-8601 UTC string. */
  clock?: Clock;
  /** A new unique id (at most 64 characters). */
  newId?: () => string;
  /** The key cursors are signed with: by default a database keeps its own, and an in-memory store makes one. */
  cursorSecret?: string;
};
