"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { uuidSchema } from "@/lib/api/schemas";
import { authorizeAction } from "@/lib/auth/current-user";
import { changeUserRole, createUser, setUserDisabled } from "@/lib/users/manage-users";
import { newUserSchema, userRoleSchema } from "@/lib/users/schemas";
import { type ActionFailure, toActionFailure } from "../action-result";

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

const changeSchema = z.discriminatedUnion("change", [
  z.object({ change: z.literal("role"), id: uuidSchema, role: userRoleSchema }),
  z.object({ change: z.literal("disabled"), id: uuidSchema, disabled: z.boolean() }),
]);

/** Re-role, disable or enable a user; nobody can lock themselves out. */
export async function changeUserFromConsole(input: z.input<typeof changeSchema>): Promise<UserActionResult> {
  const { user: me, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    const change = changeSchema.parse(input);
    if (change.id === me.id) {
      return { ok: false, error: "You cannot change your own role or disable yourself; ask another admin." };
    }
    const user =
      change.change === "role"
        ? await changeUserRole({ id: change.id, role: change.role })
        : await setUserDisabled({ id: change.id, disabled: change.disabled });
    revalidatePath("/users");
    const what = change.change === "role" ? `is now ${user.role}` : user.disabled ? "is disabled" : "is enabled again";
    return { ok: true, message: `${user.email} ${what}.` };
  } catch (error) {
    return toActionFailure(error);
  }
}
