import { QueryClient, QueryClientProvider, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createClient, errorReason, type Project, type Task } from "@taskrpc/sdk";
import { useState, type FormEvent } from "react";
import { TRPCProvider, useTRPC, useTRPCClient } from "./trpc";

// The server is the page's own origin unless the build names another (VITE_TASKRPC_URL, which that server
// must list in CORS_ORIGINS).
const apiUrl = import.meta.env.VITE_TASKRPC_URL || window.location.origin;

export function App() {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: false } } }));
  const [trpcClient] = useState(() => createClient({ url: apiUrl }));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <main>
          <h1>Tasks</h1>
          <Inbox />
        </main>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** What a user reads for a failed call: the API's stable reason, or why there was no answer to read. */
function describe(error: unknown): string {
  return errorReason(error) ?? "the API could not be reached (network error, or this origin is not allowed by CORS)";
}

/** The first active project, created (as "Inbox") when there is none. */
function Inbox() {
  const client = useTRPCClient();
  // A query, not an effect, so that React's double-run of effects in development cannot create two.
  const project = useQuery({
    queryKey: ["inbox"],
    queryFn: async (): Promise<Project> => {
      const { items } = await client.projects.list.query({ limit: 1 });
      return items[0] ?? client.projects.create.mutate({ name: "Inbox" });
    },
    staleTime: Infinity,
  });
  if (project.error) return <p role="alert">Could not load the project: {describe(project.error)}</p>;
  if (!project.data) return <p>Loading…</p>;
  return <OpenTasks project={project.data} />;
}

function OpenTasks({ project }: { project: Project }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [failure, setFailure] = useState<string>();

  const listInput = { projectId: project.id, status: "open" } as const;
  const listKey = trpc.tasks.list.queryKey(listInput);
  const tasks = useQuery(trpc.tasks.list.queryOptions(listInput));

  /** Applies a change to the cached list at once, and returns how to undo it. */
  async function optimistically(change: (items: Task[]) => Task[]) {
    await queryClient.cancelQueries({ queryKey: listKey }); // a refetch in flight would overwrite the change
    const previous = queryClient.getQueryData(listKey);
    queryClient.setQueryData(listKey, (page) => page && { ...page, items: change(page.items) });
    return { previous };
  }
  const handlers = {
    onError: (error: unknown, _input: unknown, undo: { previous: typeof tasks.data } | undefined) => {
      queryClient.setQueryData(listKey, undo?.previous);
      setFailure(describe(error));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: listKey }),
  };

  const create = useMutation(
    trpc.tasks.create.mutationOptions({
      onMutate: (input) => {
        setFailure(undefined);
        const now = new Date().toISOString();
        // Shown until the server's answer replaces it; its id never reaches the server.
        const draft: Task = {
          id: `draft-${crypto.randomUUID()}`,
          projectId: input.projectId,
          title: input.title.trim(),
          description: "",
          priority: input.priority ?? "normal",
          dueDate: null,
          labels: [],
          completed: false,
          completedAt: null,
          version: 0, // the server's versions start at 1: this marks the draft
          createdAt: now,
          updatedAt: now,
        };
        return optimistically((items) => [draft, ...items]);
      },
      ...handlers,
    }),
  );
  const complete = useMutation(
    trpc.tasks.complete.mutationOptions({
      onMutate: ({ id }) => {
        setFailure(undefined);
        return optimistically((items) => items.filter((task) => task.id !== id));
      },
      ...handlers,
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // No check here on purpose: the server judges the input, and a refusal shows its reason.
    create.mutate({ projectId: project.id, title });
    setTitle("");
  }

  return (
    <section aria-label={project.name}>
      <h2>{project.name}</h2>
      <form onSubmit={submit}>
        <input aria-label="New task" value={title} onChange={(event) => setTitle(event.target.value)} placeholder="What needs doing?" />
        <button type="submit">Add</button>
      </form>
      {failure && <p role="alert">Refused: {failure}</p>}
      {tasks.error && <p role="alert">Could not load the tasks: {describe(tasks.error)}</p>}
      <ul aria-label="Open tasks">
        {tasks.data?.items.map((task) => {
          const draft = task.version === 0;
          return (
            <li key={task.id} aria-busy={draft}>
              <span>
                {task.title}
                {draft && " (saving…)"}
              </span>
              <button
                type="button"
                disabled={draft}
                onClick={() => complete.mutate({ id: task.id, expectedVersion: task.version })}
                aria-label={`Complete ${task.title}`}
              >
                Done
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
