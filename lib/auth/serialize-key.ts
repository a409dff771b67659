import type { ApiKey } from "@/lib/api/schemas";
import type { PublicApiKey } from "@/lib/db/queries/api-keys";

export function toPublicKey(k: PublicApiKey): ApiKey {
  return {
    id: k.id,
    name: k.name,
    scope: k.scope,
    prefix: k.prefix,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
  };
}
