import { createHash } from "node:crypto";
import { DomainError } from "../domain";

/** Where a page ended: the sort key and id of its last row. Keyset paging stays stable under inserts and deletes. */
export type Keyset = { key: string | number; id: string };

/** Identifies a query apart from its paging, so a cursor cannot be replayed against another query. */
export function fingerprint(query: object): string {
  const { cursor: _cursor, limit: _limit, ...rest } = query as Record<string, unknown>;
  return createHash("sha256").update(JSON.stringify(rest)).digest("base64url").slice(0, 16);
}

export function encodeCursor(queryFingerprint: string, keyset: Keyset): string {
  return Buffer.from(JSON.stringify([queryFingerprint, keyset.key, keyset.id])).toString("base64url");
}

export function decodeCursor(cursor: string, queryFingerprint: string): Keyset {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) {
    throw new DomainError("INVALID_CURSOR", "The cursor is malformed; pass nextCursor exactly as it was returned");
  }
  const [owner, key, id] = decoded as unknown[];
  if (owner !== queryFingerprint) {
    throw new DomainError("INVALID_CURSOR", "The cursor belongs to another query; page with the same filters and sort");
  }
  if ((typeof key !== "string" && typeof key !== "number") || typeof id !== "string") {
    throw new DomainError("INVALID_CURSOR", "The cursor is malformed; pass nextCursor exactly as it was returned");
  }
  return { key, id };
}
