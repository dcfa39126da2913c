import { z } from "zod";
import { timestampSchema } from "./fields";
import { projectSchema } from "./project";
import { labelsSchema, taskSchema } from "./task";

/** What `taskrpc export` writes and `taskrpc import` reads (docs/export-format.md). */
export const exportFormat = "taskrpc-export";
export const exportVersion = 1;

export const exportHeaderSchema = z.strictObject({
  format: z.literal(exportFormat),
  version: z.literal(exportVersion),
  exportedAt: timestampSchema,
});
export type ExportHeader = z.infer<typeof exportHeaderSchema>;

/** A project as stored: its task counts are derived from the tasks, so they are not part of the record. */
export const exportedProjectSchema = projectSchema
  .omit({ openTaskCount: true, completedTaskCount: true })
  .refine((project) => project.archived === (project.archivedAt !== null), {
    message: "archivedAt must be set exactly when archived is true",
    path: ["archivedAt"],
  });
export type ExportedProject = z.infer<typeof exportedProjectSchema>;

/** A task as the API returns it; its labels obey the same rules as on create (and come out sorted). */
export const exportedTaskSchema = taskSchema.extend({ labels: labelsSchema }).refine(
  (task) => task.completed === (task.completedAt !== null),
  { message: "completedAt must be set exactly when completed is true", path: ["completedAt"] },
);
export type ExportedTask = z.infer<typeof exportedTaskSchema>;
