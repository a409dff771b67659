"use server";

import { revalidatePath } from "next/cache";
import type { z } from "zod";
import { type ActionFailure, toActionFailure } from "@/lib/api/action-failure";
import { authorizeAction } from "@/lib/auth/current-user";
import { changeUser, createUser } from "@/lib/users/manage-users";
import { newUserSchema, userChangeSchema } from "@/lib/users/schemas";

export type UserActionResult = { ok: true; message: string } | ActionFailure;

export async function createUserFromConsole(
  _prev: UserActionResult | null,
  formData: FormData,
): Promise<UserActionResult> {
  const { failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    const input = newUserSchema.parse({
      email: formData.get("email") ?? "",
      name: formData.get("name") ?? "",
      password: formData.get("password") ?? "",
      role: formData.get("role") ?? "",
    });
    const user = await createUser(input);
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
