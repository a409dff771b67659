import "server-only";
import { ApiError } from "@/lib/api/errors";
import { withTransaction } from "@/lib/db/client";
import {
  insertUser,
  lockActiveAdminIds,
  type PublicUser,
  type UserRole,
  updateUserAccess,
} from "@/lib/db/queries/users";
import { logger } from "@/lib/log/logger";
import { hashPassword } from "./password";
import type { NewUserInput, UserChange } from "./schemas";

export { listUsers } from "@/lib/db/queries/users";

export async function createUser(input: NewUserInput): Promise<PublicUser> {
  const user = await insertUser({
    email: input.email,
    name: input.name || null,
    passwordHash: await hashPassword(input.password),
    role: input.role,
  });
  if (!user) throw new ApiError("conflict", `A user with the email ${input.email} already exists.`);
  logger.info({ event: "user.created", userId: user.id, role: user.role }, "user created");
  return user;
}

export async function changeUserRole({ id, role }: { id: string; role: UserRole }): Promise<PublicUser> {
  return applyChange(id, { role }, "user.role_changed");
}

export async function setUserDisabled({ id, disabled }: { id: string; disabled: boolean }): Promise<PublicUser> {
  return applyChange(id, { disabled }, disabled ? "user.disabled" : "user.enabled");
}

/** Re-role, disable or enable a user on behalf of the admin `by`; nobody can lock themselves out. */
export async function changeUser({ by, change }: { by: string; change: UserChange }): Promise<PublicUser> {
  if (change.id === by) {
    throw new ApiError("forbidden", "You cannot change your own role or disable yourself; ask another admin.");
  }
  return change.change === "role"
    ? changeUserRole({ id: change.id, role: change.role })
    : setUserDisabled({ id: change.id, disabled: change.disabled });
}

async function applyChange(
  id: string,
  values: { role?: UserRole; disabled?: boolean },
  event: string,
): Promise<PublicUser> {
  const user = await withTransaction(async (tx) => {
    // Locked first, so two admins demoting each other at the same moment cannot both succeed.
    const admins = await lockActiveAdminIds({ tx });
    const losesAdmin = values.role === "viewer" || values.disabled === true;
    if (losesAdmin && admins.length === 1 && admins[0] === id) {
      throw new ApiError("conflict", "This is the last active admin: make another user admin first.");
    }
    return updateUserAccess({ tx, id, values });
  });
  if (!user) throw new ApiError("not_found", "No such user: it may have been removed.");
  logger.info({ event, userId: id, ...values }, "user changed");
  return user;
}
