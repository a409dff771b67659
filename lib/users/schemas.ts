import { z } from "zod";
import { uuidSchema } from "@/lib/api/schemas";

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

export const newUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().max(100, "The name is longer than 100 characters.").optional(),
  password: z
    .string({ error: "Choose a password." })
    .min(12, "The password needs at least 12 characters.")
    .max(1024, "The password is longer than 1024 characters."),
  role: userRoleSchema,
});
export type NewUserInput = z.infer<typeof newUserSchema>;

/** A change an admin makes to another user: a new role, or disabled / enabled. */
export const userChangeSchema = z.discriminatedUnion("change", [
  z.object({ change: z.literal("role"), id: uuidSchema, role: userRoleSchema }),
  z.object({ change: z.literal("disabled"), id: uuidSchema, disabled: z.boolean() }),
]);
export type UserChange = z.infer<typeof userChangeSchema>;
