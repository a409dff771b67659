"use server";

import { z } from "zod";
import { registerBodySchema } from "@/lib/api/schemas";
import { authorizeAction } from "@/lib/auth/current-user";
import { getModelByName } from "@/lib/db/queries/models";
import { deleteModel } from "@/lib/registry/delete-model";
import { planRegistration, type RegistrationPlan, registerModel } from "@/lib/registry/register-model";
import { type ActionFailure, toActionFailure } from "../action-result";

/** A registration plan as the browser sees it: no Hub answer, the manifest reduced to its variants. */
export type RegistrationPreview = Omit<RegistrationPlan, "info" | "manifest"> & {
  sizeBytes: number;
  variants: { name: string; format: string; sizeBytes: number; complete: boolean; files: number }[];
};

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
    const plan = await planRegistration(input);
    const existing = await getModelByName({ name: plan.name });
    if (existing) {
      return {
        ok: false,
        code: "model_exists",
        name: existing.name,
        error: `${existing.name} is already registered.`,
        at,
      };
    }
    return {
      ok: true,
      at,
      input: { repo: input.repo, filename: input.filename ?? "" },
      plan: {
        name: plan.name,
        repo: plan.repo,
        filename: plan.filename,
        revision: plan.revision,
        commit: plan.commit,
        displayName: plan.displayName,
        sizeBytes: plan.manifest.size_bytes,
        variants: plan.manifest.variants.map((v) => ({
          name: v.name,
          format: v.format,
          sizeBytes: v.size_bytes,
          complete: v.complete,
          files: v.files.length,
        })),
        warnings: plan.warnings,
        stale: plan.stale,
      },
    };
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
