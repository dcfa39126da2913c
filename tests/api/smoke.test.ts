import { describe, expect, it } from "vitest";
import { createTestClient, expectReason } from "../support/client";

describe("smoke", () => {
  it("creates and lists", async () => {
    const client = createTestClient();
    const project = await client.projects.create.mutate({ name: " Home " });
    expect(project.name).toBe("Home");
    const task = await client.tasks.create.mutate({ projectId: project.id, title: "Buy milk", labels: ["b", "A"] });
    expect(task.labels).toEqual(["A", "b"]);
    const page = await client.tasks.list.query({ search: "milk" });
    expect(page.items.map((t) => t.id)).toEqual([task.id]);
    const page2 = await client.tasks.list.query({ search: "bu mi" });
    expect(page2.items).toHaveLength(1);
    expect((await client.tasks.list.query({ search: "zzz" })).items).toHaveLength(0);
    const err = await expectReason(client.tasks.create.mutate({ projectId: project.id, title: "", x: 1 } as never), "VALIDATION");
    expect(err.data?.issues).toBeDefined();
    await expectReason(client.tasks.get.query({ id: "nope" }), "TASK_NOT_FOUND");
    await expectReason(client.tasks.list.query({ cursor: "garbage" }), "INVALID_CURSOR");
    expect((await client.projects.get.query({ id: project.id })).openTaskCount).toBe(1);
  });
});
