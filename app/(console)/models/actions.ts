"use server";

import { z } from "zod";
import { type ActionFailure, toActionFailure } from "@/lib/api/action-failure";
import { registerBodySchema } from "@/lib/api/schemas";
import { authorizeAction } from "@/lib/auth/current-user";
import { deleteModel } from "@/lib/registry/delete-model";
import { getRegistrationPreview, type RegistrationPreview } from "@/lib/registry/preview-registration";
import { registerModel } from "@/lib/registry/register-model";

export type PreviewResult = (
  | { ok: true; input: { repo: string; filename: string }; plan: RegistrationPreview }
  | ActionFailure
) & {
  at: number;
};
export type RegisterResult = ({ ok: true; name: string; warnings: string[]; stale: boolean } | ActionFailure) & {
  at: number;
};

function readRegisterForm(formData: FormData) {
  return registerBodySchema.parse({
    repo: formData.get("repo") ?? "",
    filename: String(formData.get("filename") ?? "").trim() || null,
  });
}

/** Validate an input against the Hub and show what would be stored; stores nothing. */
export async function previewRegistration(_prev: PreviewResult | null, formData: FormData): Promise<PreviewResult> {
  const at = Date.now();
  const { failure } = await authorizeAction(["admin"]);
  if (failure) return { ...failure, at };
  try {
    const input = readRegisterForm(formData);
    const plan = await getRegistrationPreview(input);
    return { ok: true, at, input: { repo: input.repo, filename: input.filename ?? "" }, plan };
  } catch (error) {
    return { ...toActionFailure(error), at };
  }
}

export async function registerFromConsole(_prev: RegisterResult | null, formData: FormData): Promise<RegisterResult> {
  const at = Date.now();
  const { failure } = await authorizeAction(["admin"]);
  if (failure) return { ...failure, at };
  try {
    const result = await registerModel(readRegisterForm(formData));
    return { ok: true, name: result.name, warnings: result.warnings, stale: result.stale, at };
  } catch (error) {
    return { ...toActionFailure(error), at };
  }
}

const modelNameSchema = z.string().trim().min(1, "No model named").max(1200);

export async function deleteFromConsole(name: string): Promise<{ ok: true } | ActionFailure> {
  const { failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    await deleteModel({ name: modelNameSchema.parse(name) });
    return { ok: true };
  } catch (error) {
    return toActionFailure(error);
  }
}
