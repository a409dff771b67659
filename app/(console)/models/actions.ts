"use server";

import { z } from "zod";
import { type ActionFailure, toActionFailure } from "@/lib/api/action-failure";
import { followPolicySchema, registerBodySchema } from "@/lib/api/schemas";
import { authorizeAction } from "@/lib/auth/current-user";
import { deleteModel } from "@/lib/registry/delete-model";
import { getRegistrationPreview, type RegistrationPreview } from "@/lib/registry/preview-registration";
import { registerModel } from "@/lib/registry/register-model";
import { cancelCandidate, promoteModel, rollbackModel } from "@/lib/registry/rollout";
import { stageUpdate } from "@/lib/registry/stage-update";
import { checkModelNow, setModelFollow } from "@/lib/registry/upstream";

export type PreviewResult = (
  | { ok: true; input: { repo: string; filename: string }; plan: RegistrationPreview }
  | ActionFailure
) & {
  at: number;
};
export type RegisterResult = ({ ok: true; name: string; warnings: string[]; stale: boolean } | ActionFailure) & {
  at: number;
};

function followOf(values: FormDataEntryValue[]) {
  if (values.includes("manual")) return "manual";
  return values.length ? "off" : undefined;
}

function readRegisterForm(formData: FormData) {
  return registerBodySchema.parse({
    repo: formData.get("repo") ?? "",
    filename: String(formData.get("filename") ?? "").trim() || null,
    // The register form's checkbox sends "manual" beside a hidden "off"; the preview sends neither.
    follow: followOf(formData.getAll("follow")),
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
  const { user, failure } = await authorizeAction(["admin"]);
  if (failure) return { ...failure, at };
  try {
    const result = await registerModel(readRegisterForm(formData), user.email);
    return { ok: true, name: result.name, warnings: result.warnings, stale: result.stale, at };
  } catch (error) {
    return { ...toActionFailure(error), at };
  }
}

const modelNameSchema = z.string().trim().min(1, "No model named").max(1200);

export async function deleteFromConsole(name: string): Promise<{ ok: true } | ActionFailure> {
  const { user, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    await deleteModel({ name: modelNameSchema.parse(name), actor: user.email });
    return { ok: true };
  } catch (error) {
    return toActionFailure(error);
  }
}

/** "Check for updates": the same check as POST /api/models/{name}/check. */
export async function checkFromConsole(name: string): Promise<{ ok: true } | ActionFailure> {
  const { user, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    await checkModelNow({ name: modelNameSchema.parse(name), actor: user.email });
    return { ok: true };
  } catch (error) {
    return toActionFailure(error);
  }
}

export async function setFollowFromConsole(name: string, follow: string): Promise<{ ok: true } | ActionFailure> {
  const { user, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    await setModelFollow({
      name: modelNameSchema.parse(name),
      follow: followPolicySchema.parse(follow),
      actor: user.email,
    });
    return { ok: true };
  } catch (error) {
    return toActionFailure(error);
  }
}

const rolloutActionSchema = z.enum(["update", "promote", "promote_anyway", "rollback", "cancel"]);

/**
 * The Upstream card's rollout buttons: the same calls as POST …/update, …/promote (with
 * `force` for "Promote anyway"), …/rollback and DELETE …/candidate.
 */
export async function rolloutFromConsole(
  name: string,
  action: z.infer<typeof rolloutActionSchema>,
): Promise<{ ok: true } | ActionFailure> {
  const { user, failure } = await authorizeAction(["admin"]);
  if (failure) return failure;
  try {
    const target = { name: modelNameSchema.parse(name), actor: user.email };
    const what = rolloutActionSchema.parse(action);
    if (what === "update") await stageUpdate(target);
    else if (what === "rollback") await rollbackModel(target);
    else if (what === "cancel") await cancelCandidate(target);
    else await promoteModel({ ...target, force: what === "promote_anyway" });
    return { ok: true };
  } catch (error) {
    return toActionFailure(error);
  }
}
