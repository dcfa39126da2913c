export type { Clock, Environment, ReadRepository, Repositories, Repository, TokenStore } from "./repository";
export { systemClock } from "./repository";
export { openDatabase, type TaskDatabase } from "./database";
export { openStore, type Store, type StoreConfig } from "./store";
export { isPostgresUrl, redactedUrl } from "./pg/url";
export { MemoryRepository, openMemoryRepositories } from "./memory-repository";
export { backupDatabase, BackupRefused, checkIntegrity, type BackupProgress } from "./backup";
export { ImportRefused, RecordRefused, type ExportSnapshot, type ImportSession, type Portability } from "./portability";
