export { createContext, type Context } from "./context";
export { appRouter, type AppRouter } from "./router";
export { createCallerFactory } from "./trpc";
export { reasonOf } from "./errors";
