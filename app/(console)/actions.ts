"use server";

import { signOut } from "@/lib/auth/auth";
import { getCurrentUser } from "@/lib/auth/current-user";
import { revokeUserSessions } from "@/lib/auth/session-revocation";

export async function signOutAction(): Promise<void> {
  const user = await getCurrentUser();
  if (user) await revokeUserSessions({ id: user.id });
  await signOut({ redirectTo: "/login" });
}
