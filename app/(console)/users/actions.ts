"use server";

import { revalidatePath } from "next/cache";
import type { z } from "zod";
import { toActionFailure } from "@/lib/api/action-failure";
import { authorizeAction } from "@/lib/auth/current-user";
import { type FieldFailure, toFieldFailure } from "@/lib/users/field-failure";
import { changeUser, createUser, deleteUser, resetUserPassword } from "@/lib/users/manage-users";
import { newUserSchema, passwordResetSchema, userChangeSchema, userDeletionSchema } from "@/lib/users/schemas";

export type UserActionResult = { ok: true; message: string } | FieldFailure;

export async function createUserFromConsole(
  _prev: UserActionResult | null,
  formData: FormData,
): Promise<UserActionResult> {
  const { user: me, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  const input = newUserSchema.safeParse({
    email: formData.get("email") ?? "",
    name: formData.get("name") ?? "",
    password: formData.get("password") ?? "",
    role: formData.get("role") ?? "",
  });
  if (!input.success) return toFieldFailure(input.error);
  try {
    const user = await createUser(input.data, me.id);
    revalidatePath("/users");
    return { ok: true, message: `${user.email} can now sign in as ${user.role}.` };
  } catch (error) {
    return toActionFailure(error);
  }
}

/** Re-role, disable or enable a user; nobody can lock themselves out. */
export async function changeUserFromConsole(input: z.input<typeof userChangeSchema>): Promise<UserActionResult> {
  const { user: me, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    const change = userChangeSchema.parse(input);
    const user = await changeUser({ by: me.id, change });
    revalidatePath("/users");
    const what = change.change === "role" ? `is now ${user.role}` : user.disabled ? "is disabled" : "is enabled again";
    return { ok: true, message: `${user.email} ${what}.` };
  } catch (error) {
    return toActionFailure(error);
  }
}

/** Set another user's password; their sessions end, in every browser. */
export async function resetUserPasswordFromConsole(
  _prev: UserActionResult | null,
  formData: FormData,
): Promise<UserActionResult> {
  const { user: me, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  const input = passwordResetSchema.safeParse({
    id: formData.get("id") ?? "",
    password: formData.get("password") ?? "",
  });
  if (!input.success) return toFieldFailure(input.error);
  try {
    const user = await resetUserPassword({ by: me.id, reset: input.data });
    revalidatePath("/users");
    return { ok: true, message: `${user.email} has a new password and was signed out everywhere.` };
  } catch (error) {
    return toActionFailure(error);
  }
}

/** Remove a user for good; the last active admin and oneself are refused. */
export async function deleteUserFromConsole(input: z.input<typeof userDeletionSchema>): Promise<UserActionResult> {
  const { user: me, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    const { id } = userDeletionSchema.parse(input);
    const user = await deleteUser({ by: me.id, id });
    revalidatePath("/users");
    return { ok: true, message: `${user.email} was deleted and can no longer sign in.` };
  } catch (error) {
    return toActionFailure(error);
  }
}
