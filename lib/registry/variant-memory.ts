import "server-only";
import { GGMLFileQuantizationType } from "@huggingface/gguf";
import {
  type Architecture,
  architectureFromConfig,
  architectureFromGguf,
  kvCacheBytesPerToken,
  memoryNeed,
} from "@/lib/api/memory-need";
import type { Variant, VariantMemory } from "@/lib/db/manifest-types";
import type { HubModelInfo } from "@/lib/hf/model-info";
import { HeaderReadError, HeaderReader } from "@/lib/hf/weight-headers";
import { logger } from "@/lib/log/logger";
import type { Manifest } from "./build-manifest";

// Each variant's memory need (docs/fit.md), from what the Hub holds besides the weights:
// config.json, and the header of one GGUF variant (every quantization of a repository is the
// same model: its architecture and parameter count hold for all) and of the safetensors
// files. Never fails a registration: what cannot be read is a need "unknown" with the reason.

interface Facts {
  config: { arch: Architecture | null; dtype: string | null } | null;
  configError: string | null;
  gguf: { arch: Architecture | null; parameters: number; fileType: number | null } | null;
  ggufError: string | null;
  safetensors: { parameters: number; dtype: string | null } | null;
  safetensorsError: string | null;
}

export interface HeaderReadCost {
  bytes: number;
  requests: number;
  ms: number;
}

const maxCachedFacts = 500;
const globalForFacts = globalThis as unknown as { __llmlbFacts?: Map<string, Facts> };
globalForFacts.__llmlbFacts ??= new Map();
// A commit never changes: a preview's reads serve the registration that follows it.
const cachedFacts = globalForFacts.__llmlbFacts;
const inFlight = new Map<string, Promise<{ facts: Facts; transient: boolean }>>();

/**
 * The manifest with `memory` on every variant, and what reading cost. `hub` is the Hub's
 * metadata answer for `commit`: config.json is read only where it lists one, and no
 * safetensors header where it carries its own parameter count.
 */
export async function withVariantMemory(
  manifest: Manifest,
  ref: {
    repo: string;
    commit: string;
    hub: Pick<HubModelInfo, "siblings" | "safetensors">;
    unreachable?: boolean;
  },
): Promise<{ manifest: Manifest; cost: HeaderReadCost }> {
  const hasConfig = ref.hub.siblings.some((s) => s.rfilename === "config.json");
  const summary = ref.hub.safetensors;
  const started = performance.now();
  const roles = new Map(manifest.artifacts.map((a) => [a.filename, a]));
  const weightsOf = (v: Variant) => v.files.filter((f) => roles.get(f)?.role === "weights");
  const complete = manifest.variants.filter((v) => v.complete);
  const ggufVariant = complete
    .filter((v) => v.format === "gguf")
    .reduce<Variant | null>((a, b) => (a && a.size_bytes <= b.size_bytes ? a : b), null);
  const stVariant = complete.find((v) => v.format === "safetensors") ?? null;
  const stIndex = stVariant?.files.find((f) => roles.get(f)?.role === "index") ?? null;
  const stWeights = stVariant ? weightsOf(stVariant) : [];
  const wantsConfig = manifest.variants.some((v) => v.format !== "gguf") || ggufVariant === null;

  const stKey = summary ? "summary" : (stIndex ?? stWeights.join(","));
  const key = [ref.repo, ref.commit, ggufVariant?.files[0] ?? "", stKey, wantsConfig].join("|");
  const reader = new HeaderReader(ref.repo, ref.commit);
  let facts = cachedFacts.get(key);
  if (!facts && ref.unreachable) facts = unreadable("Hugging Face could not be reached to read the weight headers");
  if (!facts) {
    // A preview and the registration after it, or two people at once: one read.
    let pending = inFlight.get(key);
    if (!pending) {
      pending = readFacts(reader, {
        config: wantsConfig && hasConfig,
        gguf: ggufVariant ? weightsOf(ggufVariant) : null,
        safetensors: summary ? [] : stIndex ? [stIndex] : stWeights,
      }).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    const read = await pending;
    facts = read.facts;
    if (summary && stVariant) facts = { ...facts, safetensors: summary };
    // A commit never changes: what was read, or failed for good (a broken header, a cap), stays.
    if (!read.transient) {
      if (cachedFacts.size >= maxCachedFacts) cachedFacts.delete(cachedFacts.keys().next().value as string);
      cachedFacts.set(key, facts);
    }
  }
  const cost = { bytes: reader.bytes, requests: reader.requests, ms: Math.round(performance.now() - started) };
  if (cost.requests > 0) {
    logger.info({ event: "hf.headers", repo: ref.repo, commit: ref.commit, ...cost }, "weight headers read");
  }
  const noConfig = !hasConfig;
  const variants = manifest.variants.map((v) => ({
    ...v,
    memory: describe(v, weightsOf(v), roles, facts, noConfig),
  }));
  return { manifest: { ...manifest, variants }, cost };
}

function unreadable(reason: string): Facts {
  return {
    config: null,
    configError: reason,
    gguf: null,
    ggufError: reason,
    safetensors: null,
    safetensorsError: reason,
  };
}

async function readFacts(
  reader: HeaderReader,
  wanted: { config: boolean; gguf: string[] | null; safetensors: string[] },
): Promise<{ facts: Facts; transient: boolean }> {
  let transient = false;
  const reason = (error: unknown) => {
    if (!(error instanceof HeaderReadError) || error.transient) transient = true;
    return error instanceof HeaderReadError ? error.reason : "the header could not be read";
  };
  const [config, ggufHeader, safetensors] = await Promise.allSettled([
    wanted.config ? reader.readJson("config.json") : Promise.resolve(null),
    wanted.gguf?.length ? reader.readGguf(wanted.gguf) : Promise.resolve(null),
    readSafetensors(reader, wanted.safetensors),
  ]);
  const facts: Facts = {
    config: null,
    configError: null,
    gguf: null,
    ggufError: null,
    safetensors: null,
    safetensorsError: null,
  };
  if (config.status === "fulfilled" && config.value) {
    facts.config = { arch: architectureFromConfig(config.value), dtype: configDtype(config.value) };
  } else if (config.status === "rejected") facts.configError = `config.json: ${reason(config.reason)}`;
  if (ggufHeader.status === "fulfilled" && ggufHeader.value) {
    const { metadata, parameters } = ggufHeader.value;
    const fileType = metadata["general.file_type"];
    facts.gguf = {
      arch: architectureFromGguf(metadata),
      parameters,
      fileType: typeof fileType === "number" ? fileType : null,
    };
  } else if (ggufHeader.status === "rejected") facts.ggufError = reason(ggufHeader.reason);
  if (safetensors.status === "fulfilled") facts.safetensors = safetensors.value;
  else facts.safetensorsError = reason(safetensors.reason);
  return { facts, transient };
}

/** One index (or one file) is one parse; shards without an index are parsed one by one and summed. */
async function readSafetensors(reader: HeaderReader, paths: string[]) {
  if (paths.length === 0) return null;
  const parsed = await Promise.all(paths.map((p) => reader.readSafetensors(p)));
  const byDtype: Record<string, number> = {};
  for (const p of parsed)
    for (const [dtype, n] of Object.entries(p.byDtype)) byDtype[dtype] = (byDtype[dtype] ?? 0) + n;
  const dominant = Object.entries(byDtype).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  return { parameters: parsed.reduce((sum, p) => sum + p.parameters, 0), dtype: dominant };
}

/** torch_dtype (bfloat16 → BF16), or the quantization method a config names (GPTQ, AWQ…). */
function configDtype(config: unknown): string | null {
  if (!config || typeof config !== "object") return null;
  const c = config as Record<string, unknown>;
  const quant = c.quantization_config as Record<string, unknown> | undefined;
  if (quant && typeof quant.quant_method === "string" && /^[\w-]{1,32}$/.test(quant.quant_method)) {
    const bits = typeof quant.bits === "number" ? ` ${quant.bits}-bit` : "";
    return `${quant.quant_method.toUpperCase()}${bits}`;
  }
  const dtype = c.torch_dtype ?? c.dtype;
  const names: Record<string, string> = { bfloat16: "BF16", float16: "F16", float32: "F32" };
  return typeof dtype === "string" ? (names[dtype] ?? null) : null;
}

function describe(
  v: Variant,
  weights: string[],
  artifacts: Map<string, { size_bytes: number }>,
  facts: Facts,
  noConfig: boolean,
): VariantMemory {
  const weight_bytes = weights.reduce((sum, f) => sum + (artifacts.get(f)?.size_bytes ?? 0), 0);
  const gguf = v.format === "gguf";
  const arch = (gguf ? facts.gguf?.arch : null) ?? facts.config?.arch ?? null;
  const parameters = gguf ? (facts.gguf?.parameters ?? null) : (facts.safetensors?.parameters ?? null);
  const fileType = facts.gguf?.fileType;
  const dtype = gguf
    ? (v.quant ?? (fileType !== null && fileType !== undefined ? (GGMLFileQuantizationType[fileType] ?? null) : null))
    : v.format === "safetensors"
      ? facts.config?.dtype?.includes("-bit")
        ? facts.config.dtype
        : (facts.safetensors?.dtype ?? facts.config?.dtype ?? null)
      : (facts.config?.dtype ?? null);
  const need = arch ? memoryNeed(weight_bytes, arch) : null;
  let unknown_reason: string | null = null;
  if (!arch) {
    unknown_reason = gguf
      ? (facts.ggufError ?? "the GGUF header does not give the layers and attention heads")
      : (facts.configError ??
        (noConfig
          ? "the repository has no config.json to read the architecture from"
          : "config.json does not give the layers and attention heads"));
  }
  return {
    architecture: arch?.name ?? null,
    parameters: parameters && parameters > 0 ? parameters : null,
    dtype,
    context_length: arch?.contextLength ?? null,
    kv_bytes_per_token: arch ? kvCacheBytesPerToken(arch) : null,
    weight_bytes,
    need: need
      ? {
          context: need.context,
          kv_cache_bytes: need.kvCacheBytes,
          overhead_bytes: need.overheadBytes,
          total_bytes: need.totalBytes,
        }
      : null,
    unknown_reason,
  };
}
