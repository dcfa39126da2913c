import { createClient, type AppRouter, type ErrorReason, type Priority, type Project, type RouterInputs, type RouterOutputs, type Task, type TaskQuery } from "@taskrpc/sdk";
import { describe, expect, expectTypeOf, it } from "vitest";

// Type tests of the SDK's public surface: checked by the typecheck step (tsgo), so a procedure whose types
// stop flowing to clients fails `npm run check`. The calls below are never awaited against a server: each
// sits in a function that is type-checked but not run.
const client = createClient({ url: "http://127.0.0.1:1" });

describe("the SDK's types", () => {
  it("exports the domain types as plain JSON shapes", () => {
    expectTypeOf<Project["createdAt"]>().toEqualTypeOf<string>();
    expectTypeOf<Task["dueDate"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Priority>().toEqualTypeOf<"low" | "normal" | "high" | "urgent">();
    expectTypeOf<TaskQuery["status"]>().toEqualTypeOf<"open" | "completed" | "all" | undefined>();
    expectTypeOf<RouterOutputs["tasks"]["list"]["items"]>().toEqualTypeOf<Task[]>();
    expectTypeOf<RouterInputs["tasks"]["create"]["title"]>().toEqualTypeOf<string>();
    expectTypeOf<AppRouter>().not.toBeAny();
  });

  it("names every reason of SPEC in ErrorReason, the access ones included", () => {
    expectTypeOf<ErrorReason>().toEqualTypeOf<
      | "VALIDATION"
      | "PROJECT_NOT_FOUND"
      | "TASK_NOT_FOUND"
      | "PROJECT_ARCHIVED"
      | "PROJECT_NOT_EMPTY"
      | "VERSION_MISMATCH"
      | "INVALID_CURSOR"
      | "UNAUTHENTICATED"
      | "FORBIDDEN"
      | "INTERNAL"
    >();
  });

  it("types every procedure's input and output", () => {
    const calls = async () => {
      expectTypeOf(await client.tasks.labels.query({ status: "all" })).toEqualTypeOf<{ items: { label: string; taskCount: number }[] }>();
      expectTypeOf(await client.tasks.count.query()).toEqualTypeOf<{ count: number }>();
      expectTypeOf(await client.projects.delete.mutate({ id: "p" })).toEqualTypeOf<{ id: string }>();
      // @ts-expect-error a label filter takes a list
      await client.tasks.labels.query({ labels: "bug" });
      // @ts-expect-error title is required
      await client.tasks.create.mutate({ projectId: "p" });
      // @ts-expect-error priority is one of four words
      await client.tasks.update.mutate({ id: "t", priority: "asap" });
      // @ts-expect-error queries are not mutations
      await client.tasks.get.mutate({ id: "t" });
      // @ts-expect-error there is no such procedure
      await client.tasks.archive.mutate({ id: "t" });
    };
    expect(calls).toBeTypeOf("function");
  });
});
