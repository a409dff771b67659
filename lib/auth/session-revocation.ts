import "server-only";
import { getSessionsRevokedAt } from "@/lib/db/queries/users";

/** True when the user signed out (everywhere) after this session signed in. */
export async function isSessionRevoked({ userId, signedInAt }: { userId: string; signedInAt: number }) {
  const revokedAt = await getSessionsRevokedAt({ id: userId });
  return revokedAt !== null && signedInAt <= revokedAt.getTime();
}
