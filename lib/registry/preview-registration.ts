import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { VariantMemory } from "@/lib/db/manifest-types";
import { getModelByName } from "@/lib/db/queries/models";
import { planRegistration, type RegisterInput, type RegistrationPlan } from "./register-model";

/** A registration plan as the browser sees it: no Hub answer, the manifest reduced to its variants. */
export type RegistrationPreview = Omit<RegistrationPlan, "info" | "manifest" | "quant" | "headerCost"> & {
  sizeBytes: number;
  variants: {
    name: string;
    format: string;
    sizeBytes: number;
    complete: boolean;
    files: number;
    memory: VariantMemory | null;
  }[];
  /** Files registered but in no variant (a GGUF repository's multimodal projector): counted in the total, not downloaded by nodes. */
  auxFiles: { filename: string; sizeBytes: number }[];
};

/**
 * Validate an input against the Hub and show what would be stored, storing nothing; a
 * name already registered is `model_exists`, with the stored spelling in `details.name`.
 */
export async function getRegistrationPreview(input: RegisterInput): Promise<RegistrationPreview> {
  const plan = await planRegistration(input);
  const existing = await getModelByName({ name: plan.name });
  if (existing) {
    throw new ApiError("model_exists", `${existing.name} is already registered.`, {
      details: { name: existing.name },
    });
  }
  return {
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
      memory: v.memory ?? null,
    })),
    auxFiles: plan.manifest.artifacts
      .filter((a) => a.variant === null)
      .map((a) => ({ filename: a.filename, sizeBytes: a.size_bytes })),
    fit: plan.fit,
    warnings: plan.warnings,
    stale: plan.stale,
  };
}
