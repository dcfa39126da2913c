import { z } from "zod";

/** Server-generated identifiers; an input longer than any id we issue cannot name anything. */
export const idSchema = z.string().min(1).max(64);

export const timestampSchema = z.iso.datetime();

/** A real calendar date: zod's ISO date rejects 2025-02-30 and accepts 2024-02-29. */
export const dateSchema = z.iso.date();

export const versionSchema = z.number().int().min(1);

export const descriptionSchema = z.string().max(10_000);

export const limitSchema = z.number().int().min(1).max(100).default(50);

export const cursorSchema = z.string().min(1).max(1_000);

/** Whitespace-separated terms; each must occur in the searched text. */
export const searchSchema = z.string().max(500);

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });

export type Page<T> = { items: T[]; nextCursor: string | null };

export const deletedSchema = z.strictObject({ id: idSchema });

/** Lower-cases and splits a search string; an empty search has no terms and matches everything. */
export function searchTerms(search: string | undefined): string[] {
  return (search ?? "").toLowerCase().split(/\s+/u).filter((term) => term.length > 0);
}
