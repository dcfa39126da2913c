export * from "./errors";
export * from "./fields";
export * from "./project";
export * from "./task";
export * from "./rules";
export * from "./token";
export * from "./portability";
