import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { ActionFailure } from "@/lib/api/action-failure";
import type { PublicUser } from "@/lib/db/queries/users";
import { auth } from "./auth";
import { getSessionUser } from "./session-revocation";

/**
 * The signed-in user, read fresh from the database on every request: the session
 * cookie only says who it is, so disabling a user or changing a role takes effect
 * at once. Null when signed out, disabled or removed.
 */
export const getCurrentUser = cache(async (): Promise<PublicUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const signedInAt = (session as { signedInAt?: number }).signedInAt ?? 0;
  return getSessionUser({ userId: id, signedInAt });
});

/** For pages: the user, or a redirect to the sign-in page. */
export async function requirePageUser(): Promise<PublicUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  return user;
}

/**
 * For server actions: the user when signed in with one of `roles`, otherwise the
 * failure the action returns as is. Actions never trust that the page hid a button.
 */
export async function authorizeAction(
  roles: PublicUser["role"][],
): Promise<{ user: PublicUser; failure?: undefined } | { user?: undefined; failure: ActionFailure }> {
  const user = await getCurrentUser();
  if (!user) return { failure: { ok: false, error: "Your session has ended: sign in again." } };
  if (!roles.includes(user.role)) {
    return { failure: { ok: false, error: "Only admins can do this; your account can only view." } };
  }
  return { user };
}
