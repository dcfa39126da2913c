import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type Database from "better-sqlite3";
import { asc, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { expiryOf, isLive, useWorthRecording, type CreateTokenInput, type TokenInfo, type TokenScope } from "../domain";
import { systemClock, type Clock, type TokenStore } from "./repository";
import { onFirstUse } from "./first-use";
import type { Db } from "./sqlite-repository";
import { accessTokens } from "./schema";

/** 256 random bits behind a prefix that says what the string is (and lets secret scanners find leaked ones). */
export const newTokenSecret = (): string => `trpc_${randomBytes(32).toString("base64url")}`;

/** A secret of 256 random bits needs no slow hash: SHA-256 cannot be reversed or guessed. */
// Stryker disable next-line StringLiteral: without "hex" the digest is a Buffer, which SQLite stores and matches as a blob the same way
export const hashTokenSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

/** Compares the stored hash with the presented secret's in constant time. */
export const sameHash = (stored: string, presented: string): boolean =>
  // Stryker disable next-line ConditionalExpression: both are hex SHA-256 digests, always 64 characters long
  stored.length === presented.length && timingSafeEqual(Buffer.from(stored), Buffer.from(presented));

type TokenRecord = TokenInfo & { secretHash: string };
const toInfo = ({ secretHash: _secretHash, ...info }: TokenRecord): TokenInfo => info;

/** An ISO time's text up to the second (2026-01-01T00:00:00). */
const secondOf = (time: string) => time.slice(0, 19);

export class SqliteTokenStore implements TokenStore {
  // Prepared once, on first use: every API call asks one of these, and building a Drizzle query costs more than
  // running it; a connection that never checks a token prepares none.
  private readonly byHash = onFirstUse(() =>
    this.db.select().from(accessTokens).where(eq(accessTokens.secretHash, sql.placeholder("hash"))).prepare(),
  );
  /** The live token that expires last (one that never expires first). */
  private readonly latestLive = onFirstUse(() =>
    this.db
      .select({ expiresAt: accessTokens.expiresAt })
      .from(accessTokens)
      .where(or(isNull(accessTokens.expiresAt), gt(accessTokens.expiresAt, sql.placeholder("now"))))
      .orderBy(sql`${accessTokens.expiresAt} is not null`, desc(accessTokens.expiresAt))
      .limit(1)
      .prepare(),
  );
  /**
   * Token writes by this store: the only writer of tokens on this connection. (SQLite's total_changes() counted
   * every write of the connection, so each task written made the next API call read the tokens again.)
   */
  private ownWrites = 0;
  /** Changes whenever another connection (another process, such as `taskrpc token create`) commits. */
  private readonly otherWrites = onFirstUse(() => this.db.$client.prepare("pragma data_version").pluck());
  /** Whether a token is live, as last read; until when that holds (null: no live token expires); when last checked. */
  private live: { own: number; other: number; checkedSecond: string; live: boolean; until: string | null } | undefined;

  constructor(
    private readonly db: Db & { $client: Database.Database },
    private readonly now: Clock = systemClock,
  ) {}

  async create(input: CreateTokenInput): Promise<{ token: TokenInfo; secret: string } | "name-taken"> {
    const secret = newTokenSecret();
    const createdAt = this.now();
    const token: TokenInfo = { name: input.name, scope: input.scope, createdAt, expiresAt: expiryOf(createdAt, input.expiresIn), lastUsedAt: null };
    const inserted = this.db
      .insert(accessTokens)
      .values({ ...token, secretHash: hashTokenSecret(secret) })
      // The name is the only unique key a new token can clash on: its hash is of 256 random bits.
      .onConflictDoNothing()
      .run();
    // Stryker disable next-line UpdateOperator: the count only has to change for the cached answer to be read again
    this.ownWrites++;
    return inserted.changes === 0 ? "name-taken" : { token, secret };
  }

  async list(): Promise<TokenInfo[]> {
    return this.db.select().from(accessTokens).orderBy(asc(accessTokens.name)).all().map(toInfo);
  }

  async revoke(name: string): Promise<boolean> {
    // Stryker disable next-line UpdateOperator: the count only has to change for the cached answer to be read again
    this.ownWrites++;
    return this.db.delete(accessTokens).where(eq(accessTokens.name, name)).run().changes > 0;
  }

  async authenticate(secret: string): Promise<{ name: string; scope: TokenScope } | undefined> {
    const presented = hashTokenSecret(secret);
    const row = this.byHash().get({ hash: presented });
    const now = this.now();
    if (!row || !sameHash(row.secretHash, presented) || !isLive(row, now)) return undefined;
    if (useWorthRecording(row.lastUsedAt, now)) {
      this.db.update(accessTokens).set({ lastUsedAt: now }).where(eq(accessTokens.name, row.name)).run();
    }
    return { name: row.name, scope: row.scope };
  }

  /**
   * Asked on every API call without a token, so answered from memory: read again after a write by this process, at
   * the expiry of the last live token, and once a second if another process (`taskrpc token create`) has written.
   */
  async hasLiveTokens(): Promise<boolean> {
    const own = this.ownWrites;
    const now = this.now();
    const known = this.live;
    // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: a cache; bypassing it reads the same answer from the database
    if (known?.own === own && (!known.live || known.until === null || now < known.until)) {
      // data_version costs a read of the WAL index: asked at most once a second of the clock (its text up to the
      // second, compared as text: parsing the time on every call cost more than the rest of this check).
      const second = secondOf(now);
      // Stryker disable next-line ConditionalExpression: a cache; bypassing it reads the same answer from the database
      if (second === known.checkedSecond) return known.live;
      const other = this.otherWrites().get() as number;
      // Stryker disable next-line ConditionalExpression,BlockStatement: a cache; bypassing it reads the same answer from the database
      if (other === known.other) {
        known.checkedSecond = second;
        return known.live;
      }
    }
    // Read before the tokens, so that a commit in between is seen at the next check.
    const other = this.otherWrites().get() as number;
    const latest = this.latestLive().get({ now });
    this.live = { own, other, checkedSecond: secondOf(now), live: latest !== undefined, until: latest?.expiresAt ?? null };
    return this.live.live;
  }
}

/** The in-memory token store, held to the same contract suite as SQLite's. */
export class MemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(private readonly now: Clock = systemClock) {}

  async create(input: CreateTokenInput): Promise<{ token: TokenInfo; secret: string } | "name-taken"> {
    if (this.tokens.has(input.name)) return "name-taken";
    const secret = newTokenSecret();
    const createdAt = this.now();
    const token: TokenInfo = { name: input.name, scope: input.scope, createdAt, expiresAt: expiryOf(createdAt, input.expiresIn), lastUsedAt: null };
    this.tokens.set(input.name, { ...token, secretHash: hashTokenSecret(secret) });
    return { token, secret };
  }

  async list(): Promise<TokenInfo[]> {
    // Byte order of the UTF-8 names, as SQLite orders text.
    return [...this.tokens.values()].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name))).map(toInfo);
  }

  async revoke(name: string): Promise<boolean> {
    return this.tokens.delete(name);
  }

  async authenticate(secret: string): Promise<{ name: string; scope: TokenScope } | undefined> {
    const presented = hashTokenSecret(secret);
    const now = this.now();
    const token = [...this.tokens.values()].find((candidate) => sameHash(candidate.secretHash, presented));
    if (!token || !isLive(token, now)) return undefined;
    if (useWorthRecording(token.lastUsedAt, now)) token.lastUsedAt = now;
    return { name: token.name, scope: token.scope };
  }

  async hasLiveTokens(): Promise<boolean> {
    const now = this.now();
    return [...this.tokens.values()].some((token) => isLive(token, now));
  }
}
