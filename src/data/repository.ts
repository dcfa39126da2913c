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

/** The two views a request may get: queries read through `read`, mutations write through `write`. */
export interface Repositories {
  read: ReadRepository;
  write: Repository;
}

export type Clock = () => string;
export const systemClock: Clock = () => new Date().toISOString();

/** What a repository needs from the world; tests pass deterministic ones. */
export type Environment = {
  /** The current time as an ISO-8601 UTC string. */
  clock?: Clock;
  /** A new unique id (at most 64 characters). */
  newId?: () => string;
};
