import { projectsRouter } from "./routers/projects";
import { tasksRouter } from "./routers/tasks";
import { router } from "./trpc";

export const appRouter = router({
  projects: projectsRouter,
  tasks: tasksRouter,
});

export type AppRouter = typeof appRouter;
