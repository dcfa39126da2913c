export type { Clock, ReadRepository, Repositories, Repository } from "./repository";
export { openDatabase, type TaskDatabase } from "./database";
export { MemoryRepository, openMemoryRepositories } from "./memory-repository";
