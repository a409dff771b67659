"use server";

import { type ActionFailure, toActionFailure } from "@/lib/api/action-failure";
import { type ApiKeyScope, createKeyBodySchema, uuidSchema } from "@/lib/api/schemas";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { authorizeAction } from "@/lib/auth/current-user";

export type CreateKeyResult = { ok: true; key: string; name: string; scope: ApiKeyScope } | ActionFailure;

/** Create a key; its secret is in this answer and nowhere else, ever. */
export async function createKeyFromConsole(
  _prev: CreateKeyResult | null,
  formData: FormData,
): Promise<CreateKeyResult> {
  const { user, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    const body = createKeyBodySchema.parse({ name: formData.get("name") ?? "", scope: formData.get("scope") ?? "" });
    const created = await createApiKey({ ...body, createdBy: user.id, actor: user.email });
    return { ok: true, key: created.key, name: created.name, scope: created.scope };
  } catch (error) {
    return toActionFailure(error);
  }
}

export async function revokeKeyFromConsole(id: string): Promise<{ ok: true } | ActionFailure> {
  const { user, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    await revokeApiKey({ id: uuidSchema.parse(id), actor: user.email });
    return { ok: true };
  } catch (error) {
    return toActionFailure(error);
  }
}
