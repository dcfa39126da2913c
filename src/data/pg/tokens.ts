import { asc, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { expiryOf, isLive, useWorthRecording, type CreateTokenInput, type TokenInfo, type TokenScope } from "../../domain";
import { systemClock, type Clock, type TokenStore } from "../repository";
import { hashTokenSecret, newTokenSecret, sameHash } from "../tokens";
import type { PgDb } from "./repository";
import { accessTokens } from "./schema";

/** How long an answer of hasLiveTokens is trusted while other instances may be creating or revoking tokens. */
const liveTokensTtlMs = 1_000;

/**
 * Access tokens on PostgreSQL, with the semantics of the SQLite store. `authenticate` reads the database every
 * time, so a token revoked by any instance stops working at once; `hasLiveTokens` (asked by every call without a
 * token) is answered from memory for at most a second, and at once after a change made through this store.
 */
export class PgTokenStore implements TokenStore {
  private live: { checkedAt: number; live: boolean; until: string | null } | undefined;

  constructor(
    private readonly db: PgDb,
    private readonly now: Clock = systemClock,
  ) {}

  async create(input: CreateTokenInput): Promise<{ token: TokenInfo; secret: string } | "name-taken"> {
    const secret = newTokenSecret();
    const createdAt = this.now();
    const token: TokenInfo = { name: input.name, scope: input.scope, createdAt, expiresAt: expiryOf(createdAt, input.expiresIn), lastUsedAt: null };
    const inserted = await this.db
      .insert(accessTokens)
      .values({ ...token, secretHash: hashTokenSecret(secret) })
      .onConflictDoNothing({ target: accessTokens.name })
      .returning({ name: accessTokens.name });
    this.live = undefined;
    return inserted.length === 0 ? "name-taken" : { token, secret };
  }

  async list(): Promise<TokenInfo[]> {
    const rows = await this.db.select().from(accessTokens).orderBy(asc(accessTokens.name));
    return rows.map(({ secretHash: _secretHash, ...info }) => info);
  }

  async revoke(name: string): Promise<boolean> {
    const deleted = await this.db.delete(accessTokens).where(eq(accessTokens.name, name)).returning({ name: accessTokens.name });
    this.live = undefined;
    return deleted.length > 0;
  }

  async authenticate(secret: string): Promise<{ name: string; scope: TokenScope } | undefined> {
    const presented = hashTokenSecret(secret);
    const [row] = await this.db.select().from(accessTokens).where(eq(accessTokens.secretHash, presented));
    const now = this.now();
    if (!row || !sameHash(row.secretHash, presented) || !isLive(row, now)) return undefined;
    if (useWorthRecording(row.lastUsedAt, now)) {
      await this.db.update(accessTokens).set({ lastUsedAt: now }).where(eq(accessTokens.name, row.name));
    }
    return { name: row.name, scope: row.scope };
  }

  async hasLiveTokens(): Promise<boolean> {
    const now = this.now();
    const at = Date.parse(now);
    const known = this.live;
    if (known && at - known.checkedAt < liveTokensTtlMs && (!known.live || known.until === null || now < known.until)) return known.live;
    // The live token that expires last (one that never expires first).
    const [latest] = await this.db
      .select({ expiresAt: accessTokens.expiresAt })
      .from(accessTokens)
      .where(or(isNull(accessTokens.expiresAt), gt(accessTokens.expiresAt, now)))
      .orderBy(sql`${accessTokens.expiresAt} is not null`, desc(accessTokens.expiresAt))
      .limit(1);
    this.live = { checkedAt: at, live: latest !== undefined, until: latest?.expiresAt ?? null };
    return this.live.live;
  }
}
