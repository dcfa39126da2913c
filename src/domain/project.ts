import { z } from "zod";
import {
  cursorSchema,
  descriptionSchema,
  idSchema,
  limitSchema,
  pageSchema,
  searchSchema,
  textSchema,
  timestampSchema,
  versionSchema,
} from "./fields";

export const projectNameSchema = textSchema({ min: 1, max: 200, trim: true });

export const projectSchema = z.strictObject({
  id: idSchema,
  name: projectNameSchema,
  description: descriptionSchema,
  archived: z.boolean(),
  archivedAt: timestampSchema.nullable(),
  openTaskCount: z.number().int().min(0),
  completedTaskCount: z.number().int().min(0),
  version: versionSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Project = z.infer<typeof projectSchema>;

export const createProjectInput = z.strictObject({
  name: projectNameSchema,
  description: descriptionSchema.default(""),
});
export type CreateProjectInput = z.infer<typeof createProjectInput>;

export const projectIdInput = z.strictObject({ id: idSchema });
export type ProjectIdInput = z.infer<typeof projectIdInput>;

export const listProjectsInput = z.strictObject({
  archived: z.boolean().default(false),
  search: searchSchema.optional(),
  cursor: cursorSchema.optional(),
  limit: limitSchema,
})
  // An absent input lists with every default, as `client.projects.list.query()` suggests.
  .prefault({});
export type ListProjectsInput = z.infer<typeof listProjectsInput>;

export const updateProjectInput = z.strictObject({
  id: idSchema,
  name: projectNameSchema.optional(),
  description: descriptionSchema.optional(),
  expectedVersion: versionSchema.optional(),
});
export type UpdateProjectInput = z.infer<typeof updateProjectInput>;

/** Input of the mutations that name one project and change its state: archive, unarchive, delete. */
export const projectChangeInput = z.strictObject({
  id: idSchema,
  expectedVersion: versionSchema.optional(),
});
export type ProjectChangeInput = z.infer<typeof projectChangeInput>;

export const projectPageSchema = pageSchema(projectSchema);
