import { z } from "zod";

/** A lone surrogate (`\p{Cs}` in a `u` regex matches only unpaired ones) or a NUL: text no store can keep as given. */
const malformed = /[\p{Cs}\0]/u;

/**
 * Every string input: well-formed Unicode without NUL, its length counted in code points (SPEC's "chars"),
 * checked after trimming when `trim` is set. Both are one check (each check costs zod a call per value, and every
 * task of a page passes five of these as output): a malformed text is never empty once trimmed, so `min` says
 * nothing of it, and its issue ends the checks as a refinement with `abort` would.
 */
export function textSchema({ min = 0, max, trim = false }: { min?: number; max: number; trim?: boolean }) {
  return (trim ? z.string().trim() : z.string()).min(min).check((ctx) => {
    const value = ctx.value;
    if (malformed.test(value)) {
      ctx.issues.push({ code: "custom", message: "Must be well-formed Unicode text without NUL characters", input: value, continue: false });
      return;
    }
    // Code points, not UTF-16 units: an emoji is one char, as a user counts it. There are never more code points
    // than units, so they are counted (an array of them made) only when the units are over.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut only; a text has never more code points than units, so the code point count alone decides
    if (value.length > max && [...value].length > max) ctx.issues.push({ code: "too_big", maximum: max, origin: "string", inclusive: true, input: value });
  });
}

/** Server-generated identifiers; an input longer than any id we issue cannot name anything. */
export const idSchema = textSchema({ min: 1, max: 64 });

export const timestampSchema = z.iso.datetime();

/** A real calendar date: zod's ISO date rejects 2025-02-30 and accepts 2024-02-29. */
export const dateSchema = z.iso.date();

export const versionSchema = z.number().int().min(1);

export const descriptionSchema = textSchema({ max: 10_000 });

export const limitSchema = z.number().int().min(1).max(100).default(50);

/** Long enough for any cursor issued: sorting by a 500-character title of 4-byte characters makes one of about 2,800. */
export const cursorSchema = textSchema({ min: 1, max: 4_000 });

/** Whitespace-separated terms; each must occur in the searched text. */
export const searchSchema = textSchema({ max: 500 });

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });

export type Page<T> = { items: T[]; nextCursor: string | null };

export const deletedSchema = z.strictObject({ id: idSchema });

/** Lower-cases and splits a search string; an empty search has no terms and matches everything. */
export function searchTerms(search: string | undefined): string[] {
  // Stryker disable next-line MethodExpression,Regex,ConditionalExpression,EqualityOperator: an empty term is in every text, so keeping empty terms selects the same tasks
  return (search ?? "").toLowerCase().split(/\s+/u).filter((term) => term.length > 0);
}
