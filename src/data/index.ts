export type { Clock, Environment, ReadRepository, Repositories, Repository, TokenStore } from "./repository";
export { openDatabase, type TaskDatabase } from "./database";
export { MemoryRepository, openMemoryRepositories } from "./memory-repository";
