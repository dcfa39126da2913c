import { z } from "zod";
import {
  cursorSchema,
  dateSchema,
  descriptionSchema,
  idSchema,
  limitSchema,
  pageSchema,
  searchSchema,
  textSchema,
  timestampSchema,
  versionSchema,
} from "./fields";

export const priorities = ["low", "normal", "high", "urgent"] as const;
export const prioritySchema = z.enum(priorities);
export type Priority = z.infer<typeof prioritySchema>;

/** low < normal < high < urgent, as a number that sorts. */
export const priorityRank = (priority: Priority): number => priorities.indexOf(priority);

export const titleSchema = textSchema({ min: 1, max: 500, trim: true });
export const labelSchema = textSchema({ min: 1, max: 50, trim: true });

/** Labels are kept in one canonical order, by the lower-cased label (unique, once duplicates are refused). */
// Stryker disable next-line EqualityOperator: duplicates are refused, so no two labels compare equal
const byLowerCase = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1);

export const labelsSchema = z
  .array(labelSchema)
  .max(20)
  .superRefine((labels, ctx) => {
    const seen = new Set<string>();
    labels.forEach((label, index) => {
      const key = label.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: a custom issue's code is not on the wire (its path and message are)
          code: "custom",
          message: `Duplicate label "${label}" (labels are case-insensitive)`,
          path: [index],
        });
      }
      seen.add(key);
    });
  })
  .transform((labels) => [...labels].sort(byLowerCase));

export const taskSchema = z.strictObject({
  id: idSchema,
  projectId: idSchema,
  title: titleSchema,
  description: descriptionSchema,
  priority: prioritySchema,
  dueDate: dateSchema.nullable(),
  labels: z.array(labelSchema),
  completed: z.boolean(),
  completedAt: timestampSchema.nullable(),
  version: versionSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Task = z.infer<typeof taskSchema>;

export const createTaskInput = z.strictObject({
  projectId: idSchema,
  title: titleSchema,
  description: descriptionSchema.default(""),
  priority: prioritySchema.default("normal"),
  dueDate: dateSchema.nullable().default(null),
  labels: labelsSchema.default([]),
});
export type CreateTaskInput = z.infer<typeof createTaskInput>;

export const taskIdInput = z.strictObject({ id: idSchema });
export type TaskIdInput = z.infer<typeof taskIdInput>;

export const updateTaskInput = z.strictObject({
  id: idSchema,
  title: titleSchema.optional(),
  description: descriptionSchema.optional(),
  priority: prioritySchema.optional(),
  dueDate: dateSchema.nullable().optional(),
  labels: labelsSchema.optional(),
  projectId: idSchema.optional(),
  expectedVersion: versionSchema.optional(),
});
export type UpdateTaskInput = z.infer<typeof updateTaskInput>;

/** Input of the mutations that name one task and change its state: complete, reopen, delete. */
export const taskChangeInput = z.strictObject({
  id: idSchema,
  expectedVersion: versionSchema.optional(),
});
export type TaskChangeInput = z.infer<typeof taskChangeInput>;

export const taskStatuses = ["open", "completed", "all"] as const;
export const taskSortKeys = ["createdAt", "updatedAt", "dueDate", "priority", "title"] as const;
export type TaskSortKey = (typeof taskSortKeys)[number];

const taskFilterShape = {
  projectId: z.union([idSchema, z.array(idSchema).min(1).max(100)]).optional(),
  status: z.enum(taskStatuses).default("open"),
  search: searchSchema.optional(),
  priority: z.array(prioritySchema).min(1).optional(),
  labels: z.array(labelSchema).min(1).max(20).optional(),
  dueFrom: dateSchema.optional(),
  dueTo: dateSchema.optional(),
  hasDueDate: z.boolean().optional(),
  includeArchivedProjects: z.boolean().default(false),
};

/** An absent filter counts or lists with every default. */
export const taskFilterInput = z.strictObject(taskFilterShape).prefault({});
export type TaskFilter = z.infer<typeof taskFilterInput>;

export const taskSortSchema = z.strictObject({
  by: z.enum(taskSortKeys),
  dir: z.enum(["asc", "desc"]).default("asc"),
});
export type TaskSort = z.infer<typeof taskSortSchema>;

export const taskQueryInput = z.strictObject({
  ...taskFilterShape,
  sort: taskSortSchema.default({ by: "createdAt", dir: "desc" }),
  limit: limitSchema,
  cursor: cursorSchema.optional(),
}).prefault({});
export type TaskQuery = z.infer<typeof taskQueryInput>;

export const taskPageSchema = pageSchema(taskSchema);
export const taskCountSchema = z.strictObject({ count: z.number().int().min(0) });

/** A label in use and how many of the filtered tasks carry it; labels match case-insensitively, so it is lower-cased. */
export const labelUsageSchema = z.strictObject({ label: z.string(), taskCount: z.number().int().min(1) });
export type LabelUsage = z.infer<typeof labelUsageSchema>;
export const labelUsageListSchema = z.strictObject({ items: z.array(labelUsageSchema) });
