import type { ErrorReason } from "../domain";

export type RestRoute = {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** An OpenAPI path template; `{name}` segments become that input key. */
  path: string;
  /** The tRPC procedure this route calls (tests check every procedure has a route). */
  procedure: string;
  summary: string;
  /** The domain refusals this operation can answer with, besides those every operation can. */
  errors: ErrorReason[];
  /** Answers 201 Created with a Location header instead of 200. */
  created?: true;
};

const projectChange: ErrorReason[] = ["PROJECT_NOT_FOUND", "VERSION_MISMATCH"];
const taskChange: ErrorReason[] = ["TASK_NOT_FOUND", "PROJECT_ARCHIVED", "VERSION_MISMATCH"];

/**
 * The REST surface: one route per procedure. GET and DELETE take their input from the query string, POST and
 * PATCH from a JSON body; `{id}` comes from the path. Literal paths come before `{id}` ones, which would match them.
 */
export const restRoutes: RestRoute[] = [
  { method: "GET", path: "/api/projects", procedure: "projects.list", summary: "List projects", errors: ["INVALID_CURSOR"] },
  { method: "POST", path: "/api/projects", procedure: "projects.create", summary: "Create a project", errors: [], created: true },
  { method: "GET", path: "/api/projects/{id}", procedure: "projects.get", summary: "Get a project", errors: ["PROJECT_NOT_FOUND"] },
  { method: "PATCH", path: "/api/projects/{id}", procedure: "projects.update", summary: "Update a project", errors: [...projectChange, "PROJECT_ARCHIVED"] },
  { method: "POST", path: "/api/projects/{id}/archive", procedure: "projects.archive", summary: "Archive a project", errors: projectChange },
  { method: "POST", path: "/api/projects/{id}/unarchive", procedure: "projects.unarchive", summary: "Unarchive a project", errors: projectChange },
  { method: "DELETE", path: "/api/projects/{id}", procedure: "projects.delete", summary: "Delete an empty project", errors: [...projectChange, "PROJECT_NOT_EMPTY"] },
  { method: "GET", path: "/api/tasks", procedure: "tasks.list", summary: "List tasks", errors: ["INVALID_CURSOR"] },
  { method: "GET", path: "/api/tasks/count", procedure: "tasks.count", summary: "Count tasks", errors: [] },
  { method: "GET", path: "/api/tasks/labels", procedure: "tasks.labels", summary: "Labels in use, with their task counts", errors: [] },
  { method: "POST", path: "/api/tasks", procedure: "tasks.create", summary: "Create a task", errors: ["PROJECT_NOT_FOUND", "PROJECT_ARCHIVED"], created: true },
  { method: "GET", path: "/api/tasks/{id}", procedure: "tasks.get", summary: "Get a task", errors: ["TASK_NOT_FOUND"] },
  { method: "PATCH", path: "/api/tasks/{id}", procedure: "tasks.update", summary: "Update or move a task", errors: [...taskChange, "PROJECT_NOT_FOUND"] },
  { method: "POST", path: "/api/tasks/{id}/complete", procedure: "tasks.complete", summary: "Complete a task", errors: taskChange },
  { method: "POST", path: "/api/tasks/{id}/reopen", procedure: "tasks.reopen", summary: "Reopen a task", errors: taskChange },
  { method: "DELETE", path: "/api/tasks/{id}", procedure: "tasks.delete", summary: "Delete a task", errors: taskChange },
];

/** The HTTP status of each reason, as the tRPC error codes of SPEC map to them. */
export const statusOfReason: Record<ErrorReason, number> = {
  VALIDATION: 400,
  INVALID_CURSOR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PROJECT_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  PROJECT_ARCHIVED: 409,
  PROJECT_NOT_EMPTY: 409,
  VERSION_MISMATCH: 409,
  INTERNAL: 500,
};

/** The input keys a route's path names, in order. */
export const pathKeys = (route: RestRoute): string[] => [...route.path.matchAll(/\{(\w+)\}/gu)].map((match) => match[1] ?? "");

/** Whether a request's path is the REST surface's (so a refusal of it takes the REST error shape). */
export const isRestPath = (pathname: string): boolean => pathname === "/api" || pathname.startsWith("/api/");

/** GET and DELETE carry their input in the query string; the others in a JSON body. */
export const takesBody = (route: RestRoute): boolean => route.method === "POST" || route.method === "PATCH";
