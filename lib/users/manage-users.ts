import "server-only";
import { recorded } from "@/lib/activity/record";
import type { ActivityAction } from "@/lib/api/activity-schemas";
import { ApiError } from "@/lib/api/errors";
import { actorOfUser } from "@/lib/auth/actor";
import { type Db, withTransaction } from "@/lib/db/client";
import {
  deleteUserRow,
  insertUser,
  lockActiveAdminIds,
  type PublicUser,
  setUserPasswordHash,
  type UserRole,
  updateUserAccess,
} from "@/lib/db/queries/users";
import { logger } from "@/lib/log/logger";
import { hashPassword } from "./password";
import type { NewUserInput, PasswordReset, UserChange } from "./schemas";

export { listUsers } from "@/lib/db/queries/users";

export async function createUser(input: NewUserInput, by?: string): Promise<PublicUser> {
  const entry = { actor: await actorOfUser(by), target: input.email, detail: `role ${input.role}` };
  const user = await recorded({ ...entry, action: "user.created" }, async () => {
    const row = await insertUser({
      email: input.email,
      name: input.name || null,
      passwordHash: await hashPassword(input.password),
      role: input.role,
    });
    if (!row) throw new ApiError("conflict", `A user with the email ${input.email} already exists.`);
    return row;
  });
  logger.info({ event: "user.created", userId: user.id, role: user.role }, "user created");
  return user;
}

export async function changeUserRole({ id, role, by }: { id: string; role: UserRole; by?: string }) {
  return applyChange({ id, by, values: { role } }, "user.role_changed");
}

export async function setUserDisabled({ id, disabled, by }: { id: string; disabled: boolean; by?: string }) {
  return applyChange({ id, by, values: { disabled } }, disabled ? "user.disabled" : "user.enabled");
}

/** Re-role, disable or enable a user on behalf of the admin `by`; nobody can lock themselves out. */
export async function changeUser({ by, change }: { by: string; change: UserChange }): Promise<PublicUser> {
  return change.change === "role"
    ? changeUserRole({ id: change.id, role: change.role, by })
    : setUserDisabled({ id: change.id, disabled: change.disabled, by });
}

/**
 * Give another user a new password (they forgot theirs); every session they had ends.
 * Not for oneself: changing one's own password asks for the current one.
 */
export async function resetUserPassword({ by, reset }: { by: string; reset: PasswordReset }): Promise<PublicUser> {
  const entry = { actor: await actorOfUser(by), action: "user.password_reset" as const, target: reset.id };
  const user = await recorded(
    entry,
    async () => {
      if (reset.id === by) {
        throw new ApiError(
          "forbidden",
          "Change your own password on the Your account page; it asks for the current one.",
        );
      }
      const row = await setUserPasswordHash({ id: reset.id, passwordHash: await hashPassword(reset.password) });
      if (!row) throw notFound();
      return row;
    },
    (row) => ({ target: row.email }),
  );
  logger.info({ event: "user.password_reset", userId: user.id, by }, "user password reset by an admin");
  return user;
}

/** Remove a user for good on behalf of the admin `by`; their sessions end with them. */
export async function deleteUser({ by, id }: { by: string; id: string }): Promise<PublicUser> {
  const entry = { actor: await actorOfUser(by), action: "user.deleted" as const, target: id };
  const user = await recorded(
    entry,
    async () => {
      const row = await withTransaction(async (tx) => {
        await refuseLockout({ tx, id, by, losesAdmin: true });
        return deleteUserRow({ tx, id });
      });
      if (!row) throw notFound();
      return row;
    },
    (row) => ({ target: row.email }),
  );
  logger.info({ event: "user.deleted", userId: id, by }, "user deleted");
  return user;
}

async function applyChange(
  { id, by, values }: { id: string; by?: string; values: { role?: UserRole; disabled?: boolean } },
  event: ActivityAction,
): Promise<PublicUser> {
  const entry = {
    actor: await actorOfUser(by),
    action: event,
    target: id,
    detail: values.role && `role ${values.role}`,
  };
  const user = await recorded(
    entry,
    async () => {
      const row = await withTransaction(async (tx) => {
        await refuseLockout({ tx, id, by, losesAdmin: values.role === "viewer" || values.disabled === true });
        return updateUserAccess({ tx, id, values });
      });
      if (!row) throw notFound();
      return row;
    },
    (row) => ({ target: row.email }),
  );
  logger.info({ event, userId: id, by, ...values }, "user changed");
  return user;
}

/**
 * The two rules that keep someone able to run the console: an active admin always
 * remains, and an admin does not demote, disable or delete themselves (another admin does).
 */
async function refuseLockout({ tx, id, by, losesAdmin }: { tx: Db; id: string; by?: string; losesAdmin: boolean }) {
  // Locked first, so two admins demoting or deleting each other at the same moment cannot both succeed.
  const admins = await lockActiveAdminIds({ tx });
  const last = losesAdmin && admins.length === 1 && admins[0] === id;
  if (id === by) {
    throw new ApiError(
      "forbidden",
      last
        ? "You are the last active admin and cannot change your own role, disable or delete yourself: make another user admin first."
        : "You cannot change your own role, disable or delete yourself; ask another admin.",
    );
  }
  if (last) throw new ApiError("conflict", "This is the last active admin: make another user admin first.");
}

const notFound = () => new ApiError("not_found", "No such user: it may have been removed.");
