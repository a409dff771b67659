/** True when a PostgreSQL error with this SQLSTATE is anywhere in the cause chain (drivers and Drizzle wrap it). */
export function hasPgErrorCode(error: unknown, code: string): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === code) return true;
  }
  return false;
}
