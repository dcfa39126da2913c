import { describe, expect, it } from "vitest";
import { createTestClient, expectReason } from "../support/client";
import { makeProject, makeTask } from "./fixtures";

describe("tasks.labels", () => {
  it("lists the labels in use, once each, lower-cased, with their task counts (for autocompletion)", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    await makeTask(client, project.id, { labels: ["Bug", "ui"] });
    await makeTask(client, project.id, { labels: ["bug"] });
    expect(await client.tasks.labels.query()).toEqual({
      items: [
        { label: "bug", taskCount: 2 },
        { label: "ui", taskCount: 1 },
      ],
    });
  });

  it("takes the same filter as tasks.count", async () => {
    const client = createTestClient();
    const project = await makeProject(client);
    const task = await makeTask(client, project.id, { labels: ["done-once"], priority: "high" });
    await client.tasks.complete.mutate({ id: task.id });
    expect(await client.tasks.labels.query({ projectId: project.id })).toEqual({ items: [] });
    expect(await client.tasks.labels.query({ projectId: project.id, status: "completed", priority: ["high"] })).toEqual({
      items: [{ label: "done-once", taskCount: 1 }],
    });
  });

  it("refuses an unknown filter key or a bad value with VALIDATION", async () => {
    const client = createTestClient();
    const unknown = await expectReason(client.tasks.labels.query({ label: "x" } as never), "VALIDATION");
    expect(unknown.data?.issues?.[0]?.path).toEqual(["label"]);
    await expectReason(client.tasks.labels.query({ status: "closed" } as never), "VALIDATION");
  });
});
