import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { DomainError } from "../domain";

/** Where a page ended: the sort key and id of its last row. Keyset paging stays stable under inserts and deletes. */
export type Keyset = { key: string | number; id: string };

/** Identifies a query apart from its paging, so a cursor cannot be replayed against another query. */
export function fingerprint(query: object): string {
  const { cursor: _cursor, limit: _limit, ...rest } = query as Record<string, unknown>;
  // Stryker disable next-line MethodExpression: the whole digest tells queries apart as well; 16 characters keep cursors short
  return createHash("sha256").update(JSON.stringify(rest)).digest("base64url").slice(0, 16);
}

/** A new key to sign cursors with; each database keeps its own. */
export const newCursorSecret = (): string => randomBytes(32).toString("base64url");

const malformed = () => new DomainError("INVALID_CURSOR", "The cursor is malformed; pass nextCursor exactly as it was returned");

/**
 * Cursors are `<payload>.<signature>`, both base64url: the payload is the query's fingerprint and the keyset,
 * the signature an HMAC-SHA256 of it (truncated to 128 bits) under the database's secret. A cursor is taken only
 * as it was issued: any character added, changed or removed, or a hand-made payload, is INVALID_CURSOR.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  private sign(payload: string): Buffer {
    return createHmac("sha256", this.secret).update(payload).digest().subarray(0, 16);
  }

  encode(queryFingerprint: string, keyset: Keyset): string {
    const payload = Buffer.from(JSON.stringify([queryFingerprint, keyset.key, keyset.id])).toString("base64url");
    return `${payload}.${this.sign(payload).toString("base64url")}`;
  }

  decode(cursor: string, queryFingerprint: string): Keyset {
    // Stryker disable next-line StringLiteral: split gives at least one part, and a missing signature fails the exact re-encoding check whatever its default
    const [payload = "", signature = "", ...rest] = cursor.split(".");
    const given = Buffer.from(signature, "base64url");
    const expected = this.sign(payload);
    // Node's base64url decoding skips what it cannot read, so the signature must re-encode to exactly what was given
    // (the payload needs no such check: it is signed as the text it is).
    const exact = rest.length === 0 && given.toString("base64url") === signature;
    if (!exact || given.length !== expected.length || !timingSafeEqual(given, expected)) throw malformed();
    let decoded: unknown;
    // Stryker disable BlockStatement: only a payload signed with this secret reaches the parse; if it is not JSON, decoded stays undefined and the array check below refuses it the same way
    try {
      decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    } catch {
      throw malformed();
    }
    // Stryker restore BlockStatement
    if (!Array.isArray(decoded) || decoded.length !== 3) throw malformed();
    const [owner, key, id] = decoded as unknown[];
    if (owner !== queryFingerprint) {
      throw new DomainError("INVALID_CURSOR", "The cursor belongs to another query; page with the same filters and sort");
    }
    if ((typeof key !== "string" && typeof key !== "number") || typeof id !== "string") throw malformed();
    return { key, id };
  }
}
