import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "../client";
import { settings } from "../schema";

export async function getSetting({ key }: { key: string }): Promise<string | null> {
  const { db } = await getDb();
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).limit(1);
  return row?.value ?? null;
}

/**
 * Store `value` under `key` unless a value is already there, and return the one
 * that won: concurrent first starts of several instances all end up with the same.
 */
export async function putSettingIfAbsent({ key, value }: { key: string; value: string }): Promise<string> {
  const { db } = await getDb();
  await db.insert(settings).values({ key, value }).onConflictDoNothing({ target: settings.key });
  const stored = await getSetting({ key });
  if (stored === null) throw new Error(`setting ${key} vanished right after it was written`);
  return stored;
}
