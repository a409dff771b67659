import "server-only";
import { desc, eq } from "drizzle-orm";
import { getDb } from "../client";
import { apiKeys } from "../schema";

export type ApiKeyScope = "admin" | "node" | "reader";

const publicColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  scope: apiKeys.scope,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
};

export type PublicApiKey = {
  id: string;
  name: string;
  scope: ApiKeyScope;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
};

export async function insertApiKey({
  name,
  scope,
  keyHash,
  prefix,
  createdBy,
}: {
  name: string;
  scope: ApiKeyScope;
  keyHash: string;
  prefix: string;
  createdBy?: string | null;
}): Promise<PublicApiKey> {
  const { db } = await getDb();
  const [row] = await db
    .insert(apiKeys)
    .values({ name, scope, keyHash, prefix, createdBy: createdBy ?? null })
    .returning(publicColumns);
  return row;
}

export async function listApiKeys(): Promise<PublicApiKey[]> {
  const { db } = await getDb();
  return db.select(publicColumns).from(apiKeys).orderBy(desc(apiKeys.createdAt));
}

export async function getApiKeyByHash({ keyHash }: { keyHash: string }) {
  const { db } = await getDb();
  const [row] = await db
    .select({ id: apiKeys.id, scope: apiKeys.scope, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, keyHash))
    .limit(1);
  return row ?? null;
}

export async function touchApiKey({ id, at }: { id: string; at: Date }): Promise<void> {
  const { db } = await getDb();
  await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
}

/** Delete a key; its name, or null when there was none. */
export async function deleteApiKey({ id }: { id: string }): Promise<{ name: string } | null> {
  const { db } = await getDb();
  const [row] = await db.delete(apiKeys).where(eq(apiKeys.id, id)).returning({ name: apiKeys.name });
  return row ?? null;
}

export async function countApiKeys(): Promise<number> {
  const { db } = await getDb();
  return db.$count(apiKeys);
}

/** A key's name, as history records who acted; null when it was deleted since. */
export async function getApiKeyName({ id }: { id: string }): Promise<string | null> {
  const { db } = await getDb();
  const [row] = await db.select({ name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  return row?.name ?? null;
}
