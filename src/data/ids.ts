import { v7 } from "uuid";

/** Time-ordered ids: tasks created in the same millisecond still list in creation order. */
export const newId = (): string => v7();
