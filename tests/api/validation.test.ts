import { describe, expect, it } from "vitest";
import type { TestClient } from "../support/client";
import { createTestClient } from "../support/client";
import { expectInvalid, expectUnknownKey, makeProject, makeTask } from "./fixtures";

/** Casts a deliberately wrong input past the client's types, as a client in another language would send it. */
const bad = <T>(input: unknown) => input as T;

async function projectAndTask(client: TestClient) {
  const project = await makeProject(client);
  const task = await makeTask(client, project.id, { title: "Original", labels: ["keep"] });
  return { project, task };
}

describe("names and titles", () => {
  it("rejects an empty, whitespace-only or too long project name", async () => {
    const client = createTestClient();
    const { project } = await projectAndTask(client);
    for (const name of ["", "   ", "\t\n", "n".repeat(201), ` ${"n".repeat(201)} `]) {
      await expectInvalid(client.projects.create.mutate({ name }), ["name"]);
      await expectInvalid(client.projects.update.mutate({ id: project.id, name }), ["name"]);
    }
    expect((await client.projects.list.query()).items).toEqual([{ ...project, openTaskCount: 1 }]);
  });

  it("accepts a 200-character name padded with spaces (trimmed before the length check)", async () => {
    const client = createTestClient();
    expect((await client.projects.create.mutate({ name: `  ${"n".repeat(200)}  ` })).name).toHaveLength(200);
  });

  it("rejects a missing name", async () => {
    const client = createTestClient();
    await expectInvalid(client.projects.create.mutate(bad({})), ["name"]);
  });

  it("rejects an empty, whitespace-only or too long task title", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    for (const title of ["", "  ", "t".repeat(501)]) {
      await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title }), ["title"]);
      await expectInvalid(client.tasks.update.mutate({ id: task.id, title }), ["title"]);
    }
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
    expect(await client.tasks.count.query({ status: "all" })).toEqual({ count: 1 });
  });

  it("rejects a description over 10,000 characters", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    const description = "d".repeat(10_001);
    await expectInvalid(client.projects.create.mutate({ name: "x", description }), ["description"]);
    await expectInvalid(client.projects.update.mutate({ id: project.id, description }), ["description"]);
    await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title: "x", description }), ["description"]);
    await expectInvalid(client.tasks.update.mutate({ id: task.id, description }), ["description"]);
  });
});

describe("labels", () => {
  it("rejects a label over 50 characters, naming its index", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    const labels = ["ok", "l".repeat(51)];
    await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title: "x", labels }), ["labels", 1]);
    await expectInvalid(client.tasks.update.mutate({ id: task.id, labels }), ["labels", 1]);
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
  });

  it("rejects an empty or whitespace-only label", async () => {
    const client = createTestClient();
    const { project } = await projectAndTask(client);
    await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title: "x", labels: [""] }), ["labels", 0]);
    await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title: "x", labels: ["a", "   "] }), ["labels", 1]);
  });

  it("rejects 21 labels", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    const labels = Array.from({ length: 21 }, (_, i) => `label${i}`);
    await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title: "x", labels }), ["labels"]);
    await expectInvalid(client.tasks.update.mutate({ id: task.id, labels }), ["labels"]);
  });

  it("rejects labels that differ only in case or surrounding space, naming the duplicate", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title: "x", labels: ["Home", "home"] }), ["labels", 1]);
    await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title: "x", labels: ["a", "work", " WORK "] }), ["labels", 2]);
    await expectInvalid(client.tasks.update.mutate({ id: task.id, labels: ["keep", "KEEP"] }), ["labels", 1]);
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
    const error = await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title: "x", labels: ["Home", "home"] }), ["labels", 1]);
    expect(error.data?.issues?.find((issue) => issue.path.join(".") === "labels.1")?.message).toBe(
      'Duplicate label "home" (labels are case-insensitive)',
    );
  });

  it("finds duplicates by the lower-cased label, as labels are stored and filtered (k and the Kelvin sign K)", async () => {
    const client = createTestClient();
    const { project } = await projectAndTask(client);
    await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title: "x", labels: ["k", "\u212A"] }), ["labels", 1]);
    // Letters that only upper-case alike are different labels.
    const task = await client.tasks.create.mutate({ projectId: project.id, title: "x", labels: ["ss", "\u00DF"] });
    expect(task.labels).toEqual(["ss", "\u00DF"]);
  });

  it("rejects bad labels in the list filter too", async () => {
    const client = createTestClient();
    await expectInvalid(client.tasks.list.query({ labels: [""] }), ["labels", 0]);
    await expectInvalid(client.tasks.list.query({ labels: ["l".repeat(51)] }), ["labels", 0]);
  });
});

describe("wrong types", () => {
  it("rejects a number for a title and a string for a limit", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    await expectInvalid(client.tasks.create.mutate(bad({ projectId: project.id, title: 42 })), ["title"]);
    await expectInvalid(client.tasks.update.mutate(bad({ id: task.id, title: 42 })), ["title"]);
    await expectInvalid(client.tasks.list.query(bad({ limit: "10" })), ["limit"]);
    await expectInvalid(client.projects.list.query(bad({ limit: "10" })), ["limit"]);
  });

  it("rejects null where only dueDate may be null", async () => {
    const client = createTestClient();
    const { task } = await projectAndTask(client);
    await expectInvalid(client.tasks.update.mutate(bad({ id: task.id, title: null })), ["title"]);
    await expectInvalid(client.tasks.update.mutate(bad({ id: task.id, labels: null })), ["labels"]);
    await expectInvalid(client.tasks.update.mutate(bad({ id: task.id, priority: null })), ["priority"]);
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
  });

  it("rejects a non-boolean for boolean filters and a non-array for array filters", async () => {
    const client = createTestClient();
    await expectInvalid(client.tasks.list.query(bad({ hasDueDate: "yes" })), ["hasDueDate"]);
    await expectInvalid(client.tasks.list.query(bad({ includeArchivedProjects: 1 })), ["includeArchivedProjects"]);
    await expectInvalid(client.projects.list.query(bad({ archived: "true" })), ["archived"]);
    await expectInvalid(client.tasks.list.query(bad({ priority: "high" })), ["priority"]);
    await expectInvalid(client.tasks.list.query(bad({ labels: "home" })), ["labels"]);
  });

  it("rejects a bad expectedVersion", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    for (const expectedVersion of [0, -1, 1.5, "1"]) {
      await expectInvalid(client.tasks.update.mutate(bad({ id: task.id, title: "x", expectedVersion })), ["expectedVersion"]);
      await expectInvalid(client.tasks.complete.mutate(bad({ id: task.id, expectedVersion })), ["expectedVersion"]);
      await expectInvalid(client.projects.archive.mutate(bad({ id: project.id, expectedVersion })), ["expectedVersion"]);
    }
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
  });
});

describe("unknown keys", () => {
  it("are rejected on every procedure's input, naming the key", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    const calls: [string, Promise<unknown>][] = [
      ["colour", client.projects.create.mutate(bad({ name: "x", colour: "red" }))],
      ["include", client.projects.get.query(bad({ id: project.id, include: "tasks" }))],
      ["archive", client.projects.list.query(bad({ archive: true }))],
      ["title", client.projects.update.mutate(bad({ id: project.id, title: "x" }))],
      ["force", client.projects.archive.mutate(bad({ id: project.id, force: true }))],
      ["force", client.projects.unarchive.mutate(bad({ id: project.id, force: true }))],
      ["cascade", client.projects.delete.mutate(bad({ id: project.id, cascade: true }))],
      ["label", client.tasks.create.mutate(bad({ projectId: project.id, title: "x", label: "home" }))],
      ["projectID", client.tasks.get.query(bad({ id: task.id, projectID: project.id }))],
      ["statuz", client.tasks.list.query(bad({ statuz: "open" }))],
      ["statuz", client.tasks.count.query(bad({ statuz: "open" }))],
      ["due", client.tasks.update.mutate(bad({ id: task.id, due: "2026-01-01" }))],
      ["at", client.tasks.complete.mutate(bad({ id: task.id, at: "now" }))],
      ["at", client.tasks.reopen.mutate(bad({ id: task.id, at: "now" }))],
      ["hard", client.tasks.delete.mutate(bad({ id: task.id, hard: true }))],
    ];
    for (const [key, call] of calls) await expectUnknownKey(call, key);
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
    expect(await client.projects.get.query({ id: project.id })).toEqual({ ...project, openTaskCount: 1 });
    expect(await client.projects.list.query()).toEqual({ items: [{ ...project, openTaskCount: 1 }], nextCursor: null });
  });

  it("are rejected inside the sort object", async () => {
    const client = createTestClient();
    await expectUnknownKey(client.tasks.list.query(bad({ sort: { by: "title", dir: "asc", then: "id" } })), "then", ["sort"]);
  });

  it("tasks.count takes only the filter part of a task query", async () => {
    const client = createTestClient();
    await expectUnknownKey(client.tasks.count.query(bad({ sort: { by: "title" } })), "sort");
    await expectUnknownKey(client.tasks.count.query(bad({ limit: 10 })), "limit");
    await expectUnknownKey(client.tasks.count.query(bad({ cursor: "abc" })), "cursor");
  });
});

describe("dates", () => {
  it("rejects impossible or malformed dates wherever a date is taken", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    for (const date of ["2025-02-30", "2025-13-01", "2025-04-31", "2023-02-29", "tomorrow", "2025-1-5", "2025-01-05T00:00:00Z", ""]) {
      await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title: "x", dueDate: date }), ["dueDate"]);
      await expectInvalid(client.tasks.update.mutate({ id: task.id, dueDate: date }), ["dueDate"]);
      await expectInvalid(client.tasks.list.query({ dueFrom: date }), ["dueFrom"]);
      await expectInvalid(client.tasks.count.query({ dueTo: date }), ["dueTo"]);
    }
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
  });

  it("accepts 29 February of a leap year", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    expect((await makeTask(client, project.id, { dueDate: "2024-02-29" })).dueDate).toBe("2024-02-29");
    expect((await client.tasks.update.mutate({ id: task.id, dueDate: "2024-02-29" })).dueDate).toBe("2024-02-29");
    expect((await client.tasks.list.query({ dueFrom: "2024-02-29", dueTo: "2024-02-29" })).items).toHaveLength(2);
  });
});

describe("paging input", () => {
  it("rejects a limit of 0, 101 or a fraction and accepts 1 and 100", async () => {
    const client = createTestClient();
    const { project } = await projectAndTask(client);
    await makeTask(client, project.id);
    for (const limit of [0, 101, -1, 2.5]) {
      await expectInvalid(client.tasks.list.query({ limit }), ["limit"]);
      await expectInvalid(client.projects.list.query({ limit }), ["limit"]);
    }
    expect((await client.tasks.list.query({ limit: 1 })).items).toHaveLength(1);
    expect((await client.tasks.list.query({ limit: 100 })).items).toHaveLength(2);
    expect((await client.projects.list.query({ limit: 1 })).items).toHaveLength(1);
    expect((await client.projects.list.query({ limit: 100 })).items).toHaveLength(1);
  });

  it("rejects an empty cursor as VALIDATION", async () => {
    const client = createTestClient();
    await expectInvalid(client.tasks.list.query({ cursor: "" }), ["cursor"]);
    await expectInvalid(client.projects.list.query({ cursor: "" }), ["cursor"]);
  });
});

describe("enums and filters", () => {
  it("rejects an unknown priority, naming it", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    await expectInvalid(client.tasks.create.mutate(bad({ projectId: project.id, title: "x", priority: "critical" })), ["priority"]);
    await expectInvalid(client.tasks.update.mutate(bad({ id: task.id, priority: "HIGH" })), ["priority"]);
    await expectInvalid(client.tasks.list.query(bad({ priority: ["high", "critical"] })), ["priority", 1]);
  });

  it("rejects an unknown sort key or direction and an unknown status", async () => {
    const client = createTestClient();
    await expectInvalid(client.tasks.list.query(bad({ sort: { by: "name" } })), ["sort", "by"]);
    await expectInvalid(client.tasks.list.query(bad({ sort: { by: "title", dir: "up" } })), ["sort", "dir"]);
    await expectInvalid(client.tasks.list.query(bad({ sort: { dir: "asc" } })), ["sort", "by"]);
    await expectInvalid(client.tasks.list.query(bad({ sort: "title" })), ["sort"]);
    await expectInvalid(client.tasks.list.query(bad({ status: "done" })), ["status"]);
    await expectInvalid(client.tasks.count.query(bad({ status: "done" })), ["status"]);
  });

  it("rejects empty arrays for the priority, labels and projectId filters", async () => {
    const client = createTestClient();
    await expectInvalid(client.tasks.list.query({ priority: [] }), ["priority"]);
    await expectInvalid(client.tasks.list.query({ labels: [] }), ["labels"]);
    await expectInvalid(client.tasks.list.query({ projectId: [] }), ["projectId"]);
    await expectInvalid(client.tasks.count.query({ priority: [] }), ["priority"]);
    await expectInvalid(client.tasks.count.query({ labels: [] }), ["labels"]);
    await expectInvalid(client.tasks.count.query({ projectId: [] }), ["projectId"]);
  });
});

describe("ids", () => {
  it("rejects an empty id on every procedure that takes one", async () => {
    const client = createTestClient();
    const checks: [Promise<unknown>, (string | number)[]][] = [
      [client.projects.get.query({ id: "" }), ["id"]],
      [client.projects.update.mutate({ id: "", name: "x" }), ["id"]],
      [client.projects.archive.mutate({ id: "" }), ["id"]],
      [client.projects.unarchive.mutate({ id: "" }), ["id"]],
      [client.projects.delete.mutate({ id: "" }), ["id"]],
      [client.tasks.create.mutate({ projectId: "", title: "x" }), ["projectId"]],
      [client.tasks.get.query({ id: "" }), ["id"]],
      [client.tasks.update.mutate({ id: "", title: "x" }), ["id"]],
      [client.tasks.update.mutate({ id: "some-task", projectId: "" }), ["projectId"]],
      [client.tasks.complete.mutate({ id: "" }), ["id"]],
      [client.tasks.reopen.mutate({ id: "" }), ["id"]],
      [client.tasks.delete.mutate({ id: "" }), ["id"]],
      [client.tasks.list.query({ projectId: "" }), ["projectId"]],
      [client.tasks.list.query({ projectId: ["ok", ""] }), ["projectId", 1]],
    ];
    for (const [call, path] of checks) await expectInvalid(call, path);
  });

  it("rejects a missing id", async () => {
    const client = createTestClient();
    await expectInvalid(client.tasks.get.query(bad({})), ["id"]);
    await expectInvalid(client.projects.delete.mutate(bad({})), ["id"]);
    await expectInvalid(client.tasks.get.query(bad(undefined)), []);
    await expectInvalid(client.tasks.create.mutate(bad("title")), []);
  });
});

describe("several problems at once", () => {
  it("lists an issue for each offending field", async () => {
    const client = createTestClient();
    const { project } = await projectAndTask(client);
    const error = await expectInvalid(
      client.tasks.create.mutate(bad({ projectId: project.id, title: "", priority: "critical", dueDate: "2025-02-30", labels: ["a", "A"] })),
      ["title"],
    );
    const paths = error.data?.issues?.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining([["title"], ["priority"], ["dueDate"], ["labels", 1]]));
  });

  it("says what is wrong in the error message", async () => {
    const client = createTestClient();
    const error = await expectInvalid(client.projects.create.mutate({ name: "" }), ["name"]);
    expect(error.message).toMatch(/name/);
  });

  it("names each offending field in the message by its dotted path, and a wrong input as a whole as input", async () => {
    const client = createTestClient();
    const error = await expectInvalid(client.tasks.list.query(bad({ sort: { by: "size" }, limit: 0 })), ["sort", "by"]);
    const [sortIssue, limitIssue] = error.data?.issues ?? [];
    expect(error.message).toBe(`Invalid input: sort.by: ${sortIssue?.message}; limit: ${limitIssue?.message}`);
    const whole = await expectInvalid(client.projects.create.mutate(bad("just a name")), []);
    expect(whole.message).toBe(`Invalid input: input: ${whole.data?.issues?.[0]?.message}`);
  });
});

describe("text is well-formed Unicode without NUL, its length counted in code points", () => {
  const malformed = ["\ud800", "x\ud800y", "\udc00", "a\udbff", "abc\u0000", "\u0000"];

  it("refuses a lone surrogate or a NUL in every text field, naming the field, and stores nothing", async () => {
    const client = createTestClient();
    const { project, task } = await projectAndTask(client);
    for (const text of malformed) {
      await expectInvalid(client.projects.create.mutate({ name: text }), ["name"]);
      await expectInvalid(client.projects.update.mutate({ id: project.id, description: text }), ["description"]);
      await expectInvalid(client.tasks.create.mutate({ projectId: project.id, title: text }), ["title"]);
      await expectInvalid(client.tasks.update.mutate({ id: task.id, title: "ok", labels: ["fine", text] }), ["labels", 1]);
      await expectInvalid(client.tasks.get.query({ id: text }), ["id"]);
      await expectInvalid(client.tasks.list.query({ search: text }), ["search"]);
      await expectInvalid(client.tasks.list.query({ cursor: text }), ["cursor"]);
      await expectInvalid(client.tasks.count.query({ labels: [text] }), ["labels", 0]);
      await expectInvalid(client.projects.list.query({ search: text }), ["search"]);
    }
    expect(await client.tasks.get.query({ id: task.id })).toEqual(task);
    expect((await client.projects.list.query()).items).toEqual([{ ...project, openTaskCount: 1 }]);
  });

  it("keeps text with characters beyond the Basic Multilingual Plane as given", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const title = "ship 🚀 x\u{10FFFF}y";
    const task = await client.tasks.create.mutate({ projectId: project.id, title });
    expect((await client.tasks.get.query({ id: task.id })).title).toBe(title);
    expect((await client.tasks.list.query({ search: "🚀" })).items.map((t) => t.id)).toEqual([task.id]);
  });

  it("counts code points: 200 emoji are a valid name, 201 are not", async () => {
    const client = createTestClient();
    expect((await client.projects.create.mutate({ name: "😀".repeat(200) })).name).toBe("😀".repeat(200));
    await expectInvalid(client.projects.create.mutate({ name: "😀".repeat(201) }), ["name"]);
  });

  it("says how long a text may be when it is too long", async () => {
    const client = createTestClient();
    const error = await expectInvalid(client.projects.create.mutate({ name: "😀".repeat(201) }), ["name"]);
    expect(error.data?.issues).toEqual([{ path: ["name"], message: "Too big: expected string to have <=200 characters" }]);
  });
});
