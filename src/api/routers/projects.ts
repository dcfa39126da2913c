import {
  createProjectInput,
  deletedSchema,
  listProjectsInput,
  projectChangeInput,
  projectIdInput,
  projectPageSchema,
  projectSchema,
  updateProjectInput,
} from "../../domain";
import { mutationProcedure, queryProcedure, router } from "../trpc";

export const projectsRouter = router({
  create: mutationProcedure
    .input(createProjectInput)
    .output(projectSchema)
    .mutation(({ ctx, input }) => ctx.repo.createProject(input)),
  get: queryProcedure
    .input(projectIdInput)
    .output(projectSchema)
    .query(({ ctx, input }) => ctx.repo.getProject(input.id)),
  list: queryProcedure
    .input(listProjectsInput)
    .output(projectPageSchema)
    .query(({ ctx, input }) => ctx.repo.listProjects(input)),
  update: mutationProcedure
    .input(updateProjectInput)
    .output(projectSchema)
    .mutation(({ ctx, input }) => ctx.repo.updateProject(input)),
  archive: mutationProcedure
    .input(projectChangeInput)
    .output(projectSchema)
    .mutation(({ ctx, input }) => ctx.repo.archiveProject(input)),
  unarchive: mutationProcedure
    .input(projectChangeInput)
    .output(projectSchema)
    .mutation(({ ctx, input }) => ctx.repo.unarchiveProject(input)),
  delete: mutationProcedure
    .input(projectChangeInput)
    .output(deletedSchema)
    .mutation(({ ctx, input }) => ctx.repo.deleteProject(input)),
});
