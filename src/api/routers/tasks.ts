import {
  createTaskInput,
  deletedSchema,
  labelUsageListSchema,
  taskChangeInput,
  taskCountSchema,
  taskFilterInput,
  taskIdInput,
  taskPageSchema,
  taskQueryInput,
  taskSchema,
  updateTaskInput,
} from "../../domain";
import { mutationProcedure, queryProcedure, router } from "../trpc";

export const tasksRouter = router({
  create: mutationProcedure
    .input(createTaskInput)
    .output(taskSchema)
    .mutation(({ ctx, input }) => ctx.repo.createTask(input)),
  get: queryProcedure
    .input(taskIdInput)
    .output(taskSchema)
    .query(({ ctx, input }) => ctx.repo.getTask(input.id)),
  list: queryProcedure
    .input(taskQueryInput)
    .output(taskPageSchema)
    .query(({ ctx, input }) => ctx.repo.listTasks(input)),
  count: queryProcedure
    .input(taskFilterInput)
    .output(taskCountSchema)
    .query(async ({ ctx, input }) => ({ count: await ctx.repo.countTasks(input) })),
  labels: queryProcedure
    .input(taskFilterInput)
    .output(labelUsageListSchema)
    .query(async ({ ctx, input }) => ({ items: await ctx.repo.listLabels(input) })),
  update: mutationProcedure
    .input(updateTaskInput)
    .output(taskSchema)
    .mutation(({ ctx, input }) => ctx.repo.updateTask(input)),
  complete: mutationProcedure
    .input(taskChangeInput)
    .output(taskSchema)
    .mutation(({ ctx, input }) => ctx.repo.completeTask(input)),
  reopen: mutationProcedure
    .input(taskChangeInput)
    .output(taskSchema)
    .mutation(({ ctx, input }) => ctx.repo.reopenTask(input)),
  delete: mutationProcedure
    .input(taskChangeInput)
    .output(deletedSchema)
    .mutation(({ ctx, input }) => ctx.repo.deleteTask(input)),
});
