export type { Clock, Environment, ReadRepository, Repositories, Repository } from "./repository";
export { openDatabase, type TaskDatabase } from "./database";
export { MemoryRepository, openMemoryRepositories } from "./memory-repository";
