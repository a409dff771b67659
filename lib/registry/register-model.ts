import "server-only";
import { recordActivity, recordFailure } from "@/lib/activity/record";
import { ApiError } from "@/lib/api/errors";
import type { FitReport } from "@/lib/api/fit";
import { hasPgErrorCode } from "@/lib/db/errors";
import { summarizeMemory } from "@/lib/db/manifest-types";
import { insertModel } from "@/lib/db/queries/models";
import { getLargestNodeMemory } from "@/lib/db/queries/nodes";
import type { FollowPolicy } from "@/lib/db/upstream-types";
import { formatBytes } from "@/lib/format/bytes";
import { shortCommit } from "@/lib/format/commit";
import { hideUrlCredentials } from "@/lib/hf/config";
import { getModelInfo } from "@/lib/hf/metadata-cache";
import type { HubModelInfo, SkippedSiblings } from "@/lib/hf/model-info";
import { parseModelInput } from "@/lib/hf/parse-input";
import { logger } from "@/lib/log/logger";
import { errorCodeOf, metrics } from "@/lib/metrics/registry";
import { listSome, shortenStably } from "./bounded-text";
import { buildManifest, type Manifest } from "./build-manifest";
import { invalidateFingerprint } from "./fingerprint-cache";
import { fitOnOnlineNodes } from "./fit";
import { publishRegistryChange } from "./registry-events";
import { toModelDetail } from "./serialize";
import { type HeaderReadCost, withVariantMemory } from "./variant-memory";

export const largeModelBytes = 50e9;
/** As long as a display name a person may give (lib/api/schemas.ts). */
const maxDisplayNameLength = 200;

export interface RegisterInput {
  repo: string;
  filename?: string | null;
  display_name?: string | null;
  /** Default manual; a registration at a 40-hex commit is never checked whatever it says. */
  follow?: FollowPolicy;
}

export interface RegistrationPlan {
  name: string;
  repo: string;
  filename: string | null;
  /** The quantization asked for with `owner/repo:QUANT`, else null. */
  quant: string | null;
  revision: string;
  commit: string;
  displayName: string;
  info: HubModelInfo;
  manifest: Manifest;
  /** Where the model fits on the nodes online now, at the model's default context. */
  fit: FitReport;
  /** What reading config.json and the weight headers cost (bytes, requests, ms). */
  headerCost: HeaderReadCost;
  warnings: string[];
  stale: boolean;
}

/**
 * Validate an input against the Hub and work out exactly what would be stored,
 * without storing anything (the console shows this as a preview).
 */
export async function planRegistration(input: RegisterInput): Promise<RegistrationPlan> {
  const ref = parseModelInput(input.repo, { filename: input.filename });
  const { info, stale } = await getModelInfo({ repo: ref.repo, revision: ref.revision });
  if (info.disabled) {
    throw new ApiError("hf_repo_not_found", `${info.id} has been disabled on Hugging Face and cannot be downloaded.`);
  }
  const built = buildManifest({ siblings: info.siblings, filename: ref.filename, quant: ref.quant });
  // The Hub is down (this is cached metadata): no header can be read now either.
  const { manifest, cost: headerCost } = await withVariantMemory(built, {
    repo: info.id,
    commit: info.sha,
    hub: info,
    unreachable: stale,
  });
  const fit = await fitOnOnlineNodes(manifest.variants);
  const filename = manifest.filename;
  const name = filename ? `hf/${info.id}/${filename}` : `hf/${info.id}`;
  const repoName = info.id.split("/").pop() ?? info.id;
  const derivedName = filename ? `${repoName} · ${fileLabel(filename)}` : repoName;
  const displayName = input.display_name?.trim() || shortenStably(derivedName, maxDisplayNameLength);
  const warnings = [
    ...describeSkipped(info.skippedSiblings),
    ...manifest.warnings,
    ...(await buildWarnings(info, manifest, fit, stale)),
  ];
  return {
    name,
    repo: info.id,
    filename,
    quant: ref.quant,
    revision: ref.revision,
    commit: info.sha,
    displayName,
    info,
    manifest,
    fit,
    headerCost,
    warnings,
    stale,
  };
}

function fileLabel(filename: string): string {
  const base = filename.split("/").pop() ?? filename;
  return base.replace(/-0*1-of-\d+(?=\.)/, "").replace(/\.(gguf|safetensors|onnx|bin)$/i, "");
}

/** One warning for every sibling entry the Hub sent that could not be used, however many there were. */
function describeSkipped({ count, examples }: SkippedSiblings): string[] {
  if (count === 0) return [];
  // JSON quoting shows control characters as escapes, so the warning is safe to store and print.
  const shown = examples.map((name) => JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name));
  const listing = shown.length > 0 ? `: ${listSome(shown, { max: shown.length, total: count })}` : "";
  return [
    `Hugging Face listed ${count} ${count === 1 ? "file" : "files"} with unsafe names or impossible metadata; they were left out of the manifest${listing}.`,
  ];
}

async function buildWarnings(info: HubModelInfo, manifest: Manifest, fit: FitReport, stale: boolean) {
  const warnings: string[] = [];
  if (fit.warning) warnings.push(fit.warning);
  // A node loads one variant, so a ten-quant GGUF repo is as large as its smallest
  // complete variant, not as the sum of all of them.
  // A loop, not Math.min(...sizes): a spread of a long list overflows the stack.
  const sizes = manifest.variants.filter((v) => v.complete).map((v) => v.size_bytes);
  const needed = sizes.length ? sizes.reduce((a, b) => Math.min(a, b)) : manifest.size_bytes;
  const what =
    sizes.length > 1 ? `Its smallest variant is ${formatBytes(needed)}` : `This model is ${formatBytes(needed)}`;
  if (needed > largeModelBytes) {
    warnings.push(`${what}, larger than 50 GB: check that your nodes have the disk and memory for it.`);
  }
  // Without a known need (headers unreadable), file sizes are all there is to compare.
  const largestMemory = fit.smallest_need ? null : await getLargestNodeMemory();
  if (largestMemory !== null && needed > largestMemory) {
    warnings.push(`${what}, larger than the largest memory any node reports (${formatBytes(largestMemory)}).`);
  }
  if (info.gated) {
    warnings.push(
      `${info.id} is gated on Hugging Face (${info.gated} approval): nodes need HF_TOKEN of an account that was granted access.`,
    );
  }
  if (stale) {
    warnings.push("Hugging Face could not be reached, so this uses metadata cached earlier; it may be out of date.");
  }
  return warnings;
}

/**
 * Register a model: plan it against the Hub, then store metadata and manifest in one
 * transaction, with the history's first entry naming `actor`.
 */
export async function registerModel(input: RegisterInput, actor: string) {
  const started = performance.now();
  try {
    const plan = await planRegistration(input);
    const { manifest } = plan;
    const formats = [...new Set(manifest.variants.filter((v) => v.complete).map((v) => v.format))];
    let stored: Awaited<ReturnType<typeof insertModel>>;
    try {
      stored = await insertModel({
        actor,
        values: {
          name: plan.name,
          source: "hf",
          repo: plan.repo,
          filename: plan.filename,
          quant: plan.quant,
          revision: plan.revision,
          commit: plan.commit,
          displayName: plan.displayName,
          sizeBytes: manifest.size_bytes,
          tags: plan.info.tags,
          lastModified: plan.info.lastModified ? new Date(plan.info.lastModified) : null,
          gated: plan.info.gated || null,
          formats,
          warnings: plan.warnings,
          variants: manifest.variants,
          artifacts: manifest.artifacts,
          memory: summarizeMemory(manifest.variants),
          follow: input.follow ?? "manual",
        },
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ApiError(
          "model_exists",
          `${plan.name} is already registered; delete it first to register it again.`,
          {
            details: { name: plan.name },
          },
        );
      }
      throw error;
    }
    invalidateFingerprint();
    metrics.registrations.inc({ outcome: "created" });
    await publishRegistryChange(stored.version);
    logger.info(
      { event: "model.registered", name: plan.name, commit: plan.commit, outcome: "created", ms: elapsed(started) },
      "model registered",
    );
    await recordActivity({
      actor,
      action: "model.registered",
      target: plan.name,
      detail: `at ${shortCommit(plan.commit)}`,
      outcome: "ok",
    });
    return {
      name: plan.name,
      model: toModelDetail(stored.model),
      fit: plan.fit,
      warnings: plan.warnings,
      stale: plan.stale,
    };
  } catch (error) {
    const code = errorCodeOf(error);
    metrics.registrations.inc({ outcome: code });
    logger.info(
      { event: "model.registered", input: redactInput(input.repo), outcome: "failed", code, ms: elapsed(started) },
      "registration refused",
    );
    await recordFailure({ actor, action: "model.registered", target: redactInput(input.repo) }, error);
    throw error;
  }
}

/** What was pasted, for the log, without credentials or query strings. */
function redactInput(text: string): string {
  return hideUrlCredentials(text)
    .slice(0, 300)
    .replace(/[?#].*$/, "");
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function isUniqueViolation(error: unknown): boolean {
  return hasPgErrorCode(error, "23505");
}
