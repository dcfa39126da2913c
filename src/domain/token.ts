import { z } from "zod";
import { textSchema, timestampSchema } from "./fields";

export const tokenScopes = ["read", "write"] as const;
export const tokenScopeSchema = z.enum(tokenScopes);
export type TokenScope = z.infer<typeof tokenScopeSchema>;

export const tokenNameSchema = textSchema({ min: 1, max: 100, trim: true });

const units = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A lifetime such as `30d`, `12h` or `90m` (minutes), as milliseconds; at most about ten years. */
export const durationSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,6}[mhd]$/u, { message: 'Expected a whole number and a unit: m (minutes), h (hours) or d (days), e.g. "30d"' })
  .transform((text) => Number(text.slice(0, -1)) * units[text.at(-1) as keyof typeof units])
  .refine((milliseconds) => milliseconds <= 3650 * units.d, { message: "At most 3650d" });

export const createTokenInput = z.strictObject({
  name: tokenNameSchema,
  scope: tokenScopeSchema,
  /** Milliseconds from creation; absent: the token never expires. */
  expiresIn: durationSchema.optional(),
});
export type CreateTokenInput = z.infer<typeof createTokenInput>;

/** What may be shown of a token: never its secret. */
export const tokenInfoSchema = z.strictObject({
  name: tokenNameSchema,
  scope: tokenScopeSchema,
  createdAt: timestampSchema,
  expiresAt: timestampSchema.nullable(),
  lastUsedAt: timestampSchema.nullable(),
});
export type TokenInfo = z.infer<typeof tokenInfoSchema>;

/** A token works until it expires (a revoked one no longer exists). */
export const isLive = (token: Pick<TokenInfo, "expiresAt">, now: string): boolean => token.expiresAt === null || token.expiresAt > now;

/** Last use is recorded at most once a minute, so reads do not each become a write. */
export const useWorthRecording = (lastUsedAt: string | null, now: string): boolean =>
  lastUsedAt === null || Date.parse(now) - Date.parse(lastUsedAt) >= units.m;

/** When a token created at `createdAt` to live `expiresIn` milliseconds expires. */
export const expiryOf = (createdAt: string, expiresIn: number | undefined): string | null =>
  expiresIn === undefined ? null : new Date(Date.parse(createdAt) + expiresIn).toISOString();
