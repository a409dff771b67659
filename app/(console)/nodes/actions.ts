"use server";

import { type ActionFailure, toActionFailure } from "@/lib/api/action-failure";
import { uuidSchema } from "@/lib/api/schemas";
import { authorizeAction } from "@/lib/auth/current-user";
import { forgetNode } from "@/lib/nodes/forget-node";

export async function forgetNodeFromConsole(id: string): Promise<{ ok: true } | ActionFailure> {
  const { user, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    await forgetNode({ id: uuidSchema.parse(id), actor: user.email });
    return { ok: true };
  } catch (error) {
    return toActionFailure(error);
  }
}
