import "server-only";
import { getApiKeyName } from "@/lib/db/queries/api-keys";
import { getUserWithRevocation } from "@/lib/db/queries/users";
import type { Principal } from "./api-keys";

/** Who acted, as history records it: a user's email, an API key's name, or the bootstrap key. */
export async function actorOf(principal: Principal): Promise<string> {
  if (principal.kind === "bootstrap") return "LLMLB_ADMIN_KEY";
  if (principal.kind === "session") {
    const user = await getUserWithRevocation({ id: principal.userId });
    return user?.email ?? "a deleted user";
  }
  const name = await getApiKeyName({ id: principal.keyId });
  return name ? `key "${name}"` : "a deleted key";
}

/** Who made a user change: the signed-in admin's email, or `system` when no person did (server start, scripts). */
export async function actorOfUser(userId: string | undefined): Promise<string> {
  return userId ? actorOf({ kind: "session", userId, scope: "admin" }) : "system";
}
