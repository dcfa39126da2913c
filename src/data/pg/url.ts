/** Whether `text` names a PostgreSQL database (postgres:// or postgresql://). */
export const isPostgresUrl = (text: string): boolean => /^postgres(ql)?:\/\/./u.test(text);

/** A database URL as it may be shown in a log line or a message: without its password. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}
