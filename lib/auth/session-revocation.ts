import "server-only";
import { getUserWithRevocation, type PublicUser } from "@/lib/db/queries/users";

/** Sign a user out everywhere: every session signed in before now stops counting. */
export { revokeUserSessions } from "@/lib/db/queries/users";

/**
 * The user a session belongs to, or null when it no longer counts: the user is gone
 * or disabled, or signed out (everywhere) after this session signed in.
 */
export async function getSessionUser({
  userId,
  signedInAt,
}: {
  userId: string;
  signedInAt: number;
}): Promise<PublicUser | null> {
  const row = await getUserWithRevocation({ id: userId });
  if (!row || row.disabled) return null;
  const { sessionsRevokedAt, ...user } = row;
  if (sessionsRevokedAt && signedInAt <= sessionsRevokedAt.getTime()) return null;
  return user;
}
