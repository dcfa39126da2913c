import { createHmac } from "node:crypto";
import { describe, expect, it, onTestFinished } from "vitest";
import { openMemoryRepositories, type Repositories } from "../../src/data";
import { CursorCodec } from "../../src/data/cursor";
import { openDatabaseCopy, tickingClock } from "../support/database";
import { createProject, createTask, expectReason, listTasks } from "./fixtures";

// A cursor that is signed but still wrong can only come from someone holding the database's key: these tests
// hold it (both stores take it as `cursorSecret`), sign hand-made cursors with the codec itself, and check
// that the stores still refuse every one whose parts are not what they issue.
const cursorSecret = "a key the test knows";
const withKnownKey: { name: string; open: () => Repositories }[] = [
  {
    name: "sqlite",
    open: () => {
      const database = openDatabaseCopy({ clock: tickingClock(), cursorSecret });
      onTestFinished(() => database.close());
      return database;
    },
  },
  { name: "memory", open: () => openMemoryRepositories({ clock: tickingClock(), cursorSecret }) },
];

describe.each(withKnownKey)("cursors signed with the store's key ($name)", ({ open }) => {
  it("page as issued, and refuse a validly signed cursor whose key or id has the wrong type, or extra parts", async () => {
    const { write } = open();
    const project = await createProject(write);
    for (const title of ["a", "b", "c"]) await createTask(write, project.id, { title });
    const query = { sort: { by: "title", dir: "asc" }, limit: 1 } as const;
    const issued = (await listTasks(write, query)).nextCursor ?? "";
    const [owner, key, id] = JSON.parse(Buffer.from(issued.split(".")[0] ?? "", "base64url").toString("utf8")) as unknown[];
    // The format CursorCodec documents: base64url JSON, a dot, the first 16 bytes of its HMAC-SHA256.
    const seal = (payload: string) => `${payload}.${createHmac("sha256", cursorSecret).update(payload).digest().subarray(0, 16).toString("base64url")}`;
    const sign = (parts: unknown) => seal(Buffer.from(JSON.stringify(parts)).toString("base64url"));
    expect(sign([owner, key, id])).toBe(issued);
    expect(new CursorCodec(cursorSecret).encode(String(owner), { key: key as string, id: id as string })).toBe(issued);
    expect((await listTasks(write, { ...query, cursor: sign([owner, "a", id]) })).items.map((task) => task.title)).toEqual(["b"]);
    for (const cursor of [
      ...[[owner, null, id], [owner, {}, id], [owner, [key], id], [owner, key, 7], [owner, key], [owner, key, id, "x"], { owner }].map(sign),
      seal(Buffer.from("not json").toString("base64url")),
    ]) {
      await expectReason(() => listTasks(write, { ...query, cursor }), "INVALID_CURSOR");
    }
  });
});
