import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { recorded } from "@/lib/activity/record";
import { ApiError } from "@/lib/api/errors";
import {
  type ApiKeyScope,
  deleteApiKey,
  getApiKeyByHash,
  insertApiKey,
  listApiKeys,
  type PublicApiKey,
  touchApiKey,
} from "@/lib/db/queries/api-keys";
import { logger } from "@/lib/log/logger";

export const apiKeyPrefix = "llmlb_";

export type Principal =
  | { kind: "key"; keyId: string; scope: ApiKeyScope }
  | { kind: "bootstrap"; scope: "admin" }
  | { kind: "session"; userId: string; scope: ApiKeyScope };

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Create a key; the secret is returned here once and only its hash is stored. */
export async function createApiKey({
  name,
  scope,
  createdBy,
  actor,
}: {
  name: string;
  scope: ApiKeyScope;
  createdBy?: string | null;
  /** Who creates it, for the activity log (lib/auth/actor.ts). */
  actor: string;
}): Promise<PublicApiKey & { key: string }> {
  const key = `${apiKeyPrefix}${randomBytes(24).toString("base64url")}`;
  // The log names the key and its scope, never the key or its hash.
  const row = await recorded({ actor, action: "key.created", target: name, detail: `scope ${scope}` }, () =>
    insertApiKey({ name, scope, keyHash: hashApiKey(key), prefix: key.slice(0, 12), createdBy }),
  );
  logger.info({ keyId: row.id, scope, event: "api_key.created" }, "api key created");
  return { ...row, key };
}

export { listApiKeys };

export async function revokeApiKey({ id, actor }: { id: string; actor: string }): Promise<void> {
  await recorded(
    { actor, action: "key.revoked", target: id },
    async () => {
      const key = await deleteApiKey({ id });
      if (!key) throw new ApiError("key_not_found", `No API key with id ${id}.`);
      return key;
    },
    (key) => ({ target: key.name, detail: `id ${id}` }),
  );
  knownKeys.clear();
  logger.info({ keyId: id, event: "api_key.revoked" }, "api key revoked");
}

/** Resolve `Authorization: Bearer …` to a principal; null when the header is absent. */
export async function authenticateBearer(header: string | null): Promise<Principal | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError("unauthorized", "The Authorization header must be 'Bearer <API key>'.");
  const key = match[1];
  const hash = hashApiKey(key);
  if (matchesBootstrapKey(hash)) return { kind: "bootstrap", scope: "admin" };
  if (!key.startsWith(apiKeyPrefix)) throw invalidKey();
  const row = await lookupKey(hash);
  if (!row) throw invalidKey();
  recordUse(row.id, row.lastUsedAt);
  return { kind: "key", keyId: row.id, scope: row.scope };
}

// Every request authenticates, so a hot key is remembered for a few seconds instead of
// being looked up each time. Revoking through this process forgets at once; another
// server instance stops accepting a revoked key within `rememberKeyMs`.
const rememberKeyMs = 5_000;
type KnownKey = { row: Awaited<ReturnType<typeof getApiKeyByHash>>; at: number };
const globalForKeys = globalThis as unknown as { __llmlbKnownKeys?: Map<string, KnownKey> };
globalForKeys.__llmlbKnownKeys ??= new Map();
const knownKeys = globalForKeys.__llmlbKnownKeys;

async function lookupKey(hash: string) {
  const known = knownKeys.get(hash);
  if (known && Date.now() - known.at < rememberKeyMs) return known.row;
  const row = await getApiKeyByHash({ keyHash: hash });
  if (knownKeys.size > 10_000) knownKeys.clear();
  if (row) knownKeys.set(hash, { row, at: Date.now() });
  return row;
}

function invalidKey(): ApiError {
  return new ApiError("unauthorized", "The API key is not valid: it may have been revoked. Create a new one.");
}

function matchesBootstrapKey(hash: string): boolean {
  const bootstrap = process.env.LLMLB_ADMIN_KEY;
  if (!bootstrap) return false;
  return timingSafeEqual(Buffer.from(hashApiKey(bootstrap), "hex"), Buffer.from(hash, "hex"));
}

// last_used_at is for people ("used 2 minutes ago"), so one write a minute per key
// is enough; writing on every request would turn each read into a write.
const touchedAt = new Map<string, number>();
const touchEveryMs = 60_000;

function recordUse(id: string, lastUsedAt: Date | null): void {
  const now = Date.now();
  const last = Math.max(touchedAt.get(id) ?? 0, lastUsedAt?.getTime() ?? 0);
  if (now - last < touchEveryMs) return;
  touchedAt.set(id, now);
  touchApiKey({ id, at: new Date(now) }).catch((err) => logger.warn({ err, keyId: id }, "could not record key use"));
}
