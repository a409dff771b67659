import { z } from "zod";
import { uuidSchema } from "@/lib/api/schemas";
import { PASSWORD_RULE } from "./password-rule";

export const userRoleSchema = z.enum(["admin", "viewer"], { error: "role must be admin or viewer" });

export const emailSchema = z
  .string({ error: "Enter an email address." })
  .trim()
  .min(1, "Enter an email address.")
  .max(254, "The email address is too long.")
  .regex(/^[^\s@]+@[^\s@]+$/, "Enter an email address such as ana@example.com.");

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(1024),
});

/** A new password, for a new user, a reset or one's own change. */
function passwordSchema(what = "The password") {
  return z
    .string({ error: "Choose a password." })
    .min(PASSWORD_RULE.minLength, `${what} needs at least ${PASSWORD_RULE.minLength} characters.`)
    .max(PASSWORD_RULE.maxLength, `${what} is longer than ${PASSWORD_RULE.maxLength} characters.`);
}

export const newUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().max(100, "The name is longer than 100 characters.").optional(),
  password: passwordSchema(),
  role: userRoleSchema,
});
export type NewUserInput = z.infer<typeof newUserSchema>;

/** A change an admin makes to another user: a new role, or disabled / enabled. */
export const userChangeSchema = z.discriminatedUnion("change", [
  z.object({ change: z.literal("role"), id: uuidSchema, role: userRoleSchema }),
  z.object({ change: z.literal("disabled"), id: uuidSchema, disabled: z.boolean() }),
]);
export type UserChange = z.infer<typeof userChangeSchema>;

/** An admin sets another user's password (they forgot theirs); it ends that user's sessions. */
export const passwordResetSchema = z.object({ id: uuidSchema, password: passwordSchema("The new password") });
export type PasswordReset = z.infer<typeof passwordResetSchema>;

export const userDeletionSchema = z.object({ id: uuidSchema });

/** A person changes their own password: the current one proves it is them, not a borrowed session. */
export const ownPasswordChangeSchema = z
  .object({
    currentPassword: z
      .string({ error: "Enter your current password." })
      .min(1, "Enter your current password.")
      .max(PASSWORD_RULE.maxLength),
    newPassword: passwordSchema("The new password"),
    confirmPassword: z.string({ error: "Type the new password again." }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ: type the same one twice.",
  });
export type OwnPasswordChange = z.infer<typeof ownPasswordChangeSchema>;
