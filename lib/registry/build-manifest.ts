import { ApiError } from "../api/errors";
import type { Artifact, ArtifactFormat, ArtifactRole, Variant } from "../db/manifest-types";
import { listSome, shortenStably } from "./bounded-text";
import { maxListedItems, maxManifestArtifacts, maxManifestVariants, maxVariantNameLength } from "./manifest-limits";
import { formatShardName, normalizeQuant, parseOnnxQuant, parseQuant, parseShard } from "./quant";

// The stored shape is defined beside the schema; the registry is where readers look for it.
export type { Artifact, ArtifactFormat, ArtifactRole, Variant } from "../db/manifest-types";
export { parseQuant } from "./quant";

/** A file as the Hub lists it; lib/hf/model-info.ts leaves out the ones without a size. */
export interface HubSibling {
  rfilename: string;
  size: number;
  lfs?: { sha256: string; size: number } | null;
  blobId?: string | null;
}
export interface Manifest {
  variants: Variant[];
  artifacts: Artifact[];
  size_bytes: number;
  /** normalized filename for a file registration (first shard of a set), else null */
  filename: string | null;
  warnings: string[];
}

interface RepoFile {
  path: string;
  size: number;
  sha256: string | null;
  blobId: string | null;
}
/** A file some variant (or the projector list) uses, with what the manifest says about it. */
interface Entry extends RepoFile {
  format: ArtifactFormat;
  role: ArtifactRole;
  quant: string | null;
}
type Entries = Map<string, Entry>;
/** What a variant lacks: a few examples and how many in all (a set may name 99,999 shards). */
interface Missing {
  items: string[];
  total: number;
}
interface ShardSet {
  prefix: string;
  files: RepoFile[];
  missing: Missing;
}

const ONNX_DATA = /^(.*\.onnx)(?:_data(?:_\d+)?|\.data)$/i;
const CONFIG_FILES = new Set([
  "config.json",
  "generation_config.json",
  // Multimodal checkpoints cannot be loaded without their processor settings.
  "preprocessor_config.json",
  "processor_config.json",
]);
const TOKENIZER_FILES = new Set([
  "tokenizer.json",
  "tokenizer.model",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "added_tokens.json",
  "vocab.json",
  "merges.txt",
  "vocab.txt",
  "spiece.model",
  "chat_template.json",
  "chat_template.jinja",
]);
const LOADABLE_TOKENIZERS = ["tokenizer.json", "tokenizer.model", "vocab.json", "spiece.model", "vocab.txt"];

// Code-unit order, not localeCompare: a manifest must not depend on the server's locale.
const comparePaths = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byPath = (a: RepoFile, b: RepoFile) => comparePaths(a.path, b.path);
const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const folderOf = (path: string) => path.slice(0, Math.max(path.lastIndexOf("/"), 0));

type QuantReader = (path: string) => string | null;
function markFiles(
  entries: Entries,
  files: RepoFile[],
  format: ArtifactFormat,
  role: ArtifactRole,
  quantOf?: QuantReader,
) {
  // Spelled out, not `{ ...file }`: a spread per file costs seconds over 200,000 siblings.
  for (const { path, size, sha256, blobId } of files) {
    entries.set(path, { path, size, sha256, blobId, format, role, quant: quantOf?.(path) ?? null });
  }
  return files;
}

/** Splits files into shard sets (same folder + stem + total) and plain files. */
function groupShards(files: RepoFile[]): { sets: ShardSet[]; singles: RepoFile[] } {
  const sets = new Map<string, { prefix: string; total: number; ext: string; shards: Map<number, RepoFile> }>();
  const singles: RepoFile[] = [];
  for (const file of [...files].sort(byPath)) {
    const shard = parseShard(file.path);
    if (!shard) {
      singles.push(file);
      continue;
    }
    const key = `${shard.prefix}\u0000${shard.total}`;
    const set = sets.get(key) ?? { ...shard, shards: new Map<number, RepoFile>() };
    set.shards.set(shard.index, file);
    sets.set(key, set);
  }
  const result = [...sets.values()].map(({ prefix, total, ext, shards }) => {
    // Stops after a few absent shards, so the work is bounded by the shards present.
    const items: string[] = [];
    for (let index = 1; index <= total && items.length < maxListedItems; index++) {
      if (!shards.has(index)) items.push(formatShardName({ prefix, index, total, ext }));
    }
    const files = [...shards.entries()].sort(([a], [b]) => a - b).map(([, file]) => file);
    return { prefix, files, missing: { items, total: total - shards.size } };
  });
  return { sets: result, singles };
}

const nothingMissing = (): Missing => ({ items: [], total: 0 });
const mergeMissing = (all: Missing[]): Missing => ({
  items: all.flatMap((m) => m.items),
  total: all.reduce((sum, m) => sum + m.total, 0),
});

function makeVariant(
  name: string,
  format: Variant["format"],
  quant: string | null,
  files: RepoFile[],
  missing: Missing,
) {
  const size_bytes = files.reduce((sum, file) => sum + file.size, 0);
  const paths = files.map((file) => file.path);
  const shown = missing.items.slice(0, maxListedItems);
  const more = missing.total - shown.length;
  const listed = more > 0 ? [...shown, `and ${more} more`] : shown;
  return {
    name,
    format,
    quant,
    size_bytes,
    complete: missing.total === 0,
    missing: listed,
    files: paths,
  } satisfies Variant;
}

function collectGgufVariants(files: RepoFile[], entries: Entries): Variant[] {
  const { sets, singles } = groupShards(markFiles(entries, files, "gguf", "weights", parseQuant));
  const groups = [
    ...singles.map((file) => ({ files: [file], missing: nothingMissing(), prefix: file.path.replace(/\.gguf$/i, "") })),
    ...sets,
  ].sort((a, b) => byPath(a.files[0], b.files[0]));
  const taken = new Set<string>();
  const nextNumber = new Map<string, number>();
  // Nodes echo the name in every heartbeat: a deep folder or a long stem never makes it long.
  const bounded = (name: string) => shortenStably(name, maxVariantNameLength);
  return groups.map(({ files: groupFiles, missing, prefix }) => {
    const quant = entries.get(groupFiles[0].path)?.quant ?? null;
    const stem = baseName(prefix);
    const base = `gguf:${quant ?? stem}`;
    let name: string | undefined = bounded(base);
    if (taken.has(name)) {
      // Same quant twice (a root file and a folder shard set): the later one is named after its place.
      const places = [`${base}@${folderOf(prefix) || stem}`, `${base}@${prefix}`];
      name = places.map(bounded).find((candidate) => !taken.has(candidate));
    }
    if (!name) {
      // Shard sets of one prefix but different totals all land here: count on, never rescan.
      let n = nextNumber.get(base) ?? 2;
      do name = bounded(`${base}#${n++}`);
      while (taken.has(name));
      nextNumber.set(base, n);
    }
    taken.add(name);
    return makeVariant(name, "gguf", quant, groupFiles, missing);
  });
}

function selectSafetensorsWeights(root: RepoFile[], entries: Entries): { files: RepoFile[]; missing: Missing } | null {
  const weights = root.filter((file) => file.path.toLowerCase().endsWith(".safetensors"));
  const indexes = root.filter((file) => file.path.toLowerCase().endsWith(".safetensors.index.json"));
  if (weights.length === 0 && indexes.length === 0) return null;
  const { sets, singles } = groupShards(weights);
  const index = indexes.find((file) => file.path === "model.safetensors.index.json") ?? indexes[0];
  if (!index) {
    // No index: every root file is a weight; shard names still tell what is absent.
    const files = [...singles, ...sets.flatMap((set) => set.files)].sort(byPath);
    return {
      files: markFiles(entries, files, "safetensors", "weights"),
      missing: mergeMissing(sets.map((set) => set.missing)),
    };
  }
  // With an index only its shard set holds the weights; a stray consolidated file is not loaded.
  const indexPrefix = index.path.slice(0, -".safetensors.index.json".length);
  const matching = sets.filter((set) => set.prefix === indexPrefix);
  const chosen = matching.length > 0 ? matching : sets;
  const missing =
    chosen.length > 0
      ? mergeMissing(chosen.map((set) => set.missing))
      : { items: [`the shards listed by ${index.path}`], total: 1 };
  const files = markFiles(
    entries,
    chosen.flatMap((set) => set.files),
    "safetensors",
    "weights",
  );
  return { files: [...files, ...markFiles(entries, [index], "safetensors", "index")], missing };
}

function collectSafetensorsVariant(root: RepoFile[], shared: RepoFile[], entries: Entries): Variant | null {
  const selected = selectSafetensorsWeights(root, entries);
  if (!selected) return null;
  const names = new Set(shared.map((file) => file.path));
  // Named before the shards, so a long list of absent shards never hides them.
  const absent: string[] = [];
  if (!names.has("config.json")) absent.push("config.json");
  if (!LOADABLE_TOKENIZERS.some((name) => names.has(name))) {
    absent.push("a tokenizer file such as tokenizer.json or tokenizer.model");
  }
  const missing = mergeMissing([{ items: absent, total: absent.length }, selected.missing]);
  return makeVariant("safetensors", "safetensors", null, [...selected.files, ...shared], missing);
}

function collectOnnxVariant(all: RepoFile[], shared: RepoFile[], entries: Entries): Variant | null {
  const graphs = new Set(all.filter((file) => file.path.toLowerCase().endsWith(".onnx")).map((file) => file.path));
  if (graphs.size === 0) return null;
  const isPart = (file: RepoFile) => graphs.has(file.path) || graphs.has(ONNX_DATA.exec(file.path)?.[1] ?? "");
  const files = markFiles(entries, all.filter(isPart), "onnx", "weights", parseOnnxQuant);
  return makeVariant("onnx", "onnx", null, [...files, ...shared], nothingMissing());
}

function collectMetalVariant(all: RepoFile[], shared: RepoFile[], entries: Entries): Variant | null {
  const isMetal = (path: string) =>
    baseName(path) === "model.metal.bin" || path === "metal/model.bin" || path.endsWith("/metal/model.bin");
  const files = all.filter((file) => isMetal(file.path.toLowerCase()));
  if (files.length === 0) return null;
  return makeVariant(
    "metal",
    "metal",
    null,
    [...markFiles(entries, files, "metal", "weights"), ...shared],
    nothingMissing(),
  );
}

/** Every variant the repository offers; `entries` records the format and role of each file they use. */
function collectVariants(files: RepoFile[]) {
  const entries: Entries = new Map();
  const root = files.filter((file) => !file.path.includes("/"));
  const configs = markFiles(
    entries,
    root.filter((file) => CONFIG_FILES.has(file.path)),
    "other",
    "config",
  );
  const tokenizers = markFiles(
    entries,
    root.filter((file) => TOKENIZER_FILES.has(file.path)),
    "other",
    "tokenizer",
  );
  const shared = [...configs, ...tokenizers].sort(byPath);
  const ggufs = files.filter((file) => file.path.toLowerCase().endsWith(".gguf"));
  const isProjector = (file: RepoFile) => baseName(file.path).toLowerCase().startsWith("mmproj");
  const projectors = markFiles(entries, ggufs.filter(isProjector), "gguf", "aux", parseQuant);
  const models = ggufs.filter((file) => !isProjector(file));
  const variants = [
    collectSafetensorsVariant(root, shared, entries),
    ...collectGgufVariants(models, entries),
    collectOnnxVariant(files, shared, entries),
    collectMetalVariant(files, shared, entries),
  ].filter((variant): variant is Variant => variant !== null);
  return { variants, projectors, entries };
}

function describeIncomplete(variant: Variant): string {
  return `${variant.name} is incomplete (missing ${variant.missing.join(", ")}) and cannot be synced`;
}

function selectByFilename(filename: string, variants: Variant[], entries: Entries, exists: boolean) {
  if (!exists) throw new ApiError("hf_file_not_found", `${filename} was not found in the repository at this revision`);
  const role = entries.get(filename)?.role;
  const variant = role === "weights" || role === "index" ? variants.find((v) => v.files.includes(filename)) : undefined;
  if (!variant) {
    const what = role === "aux" ? "a multimodal projector, used alongside a model" : "not a model weights file";
    throw new ApiError(
      "not_a_model_file",
      `${filename} is ${what}; register a .gguf, .safetensors, .onnx or metal weights file, or the whole repository`,
    );
  }
  if (!variant.complete) throw new ApiError("no_complete_variant", describeIncomplete(variant));
  const shard = parseShard(filename);
  return { variant, filename: shard ? formatShardName({ ...shard, index: 1 }) : filename };
}

function selectByQuant(quant: string, variants: Variant[]) {
  const wanted = normalizeQuant(quant);
  const ggufs = variants.filter((variant) => variant.format === "gguf");
  const variant = ggufs.find((v) => v.complete && v.quant === wanted);
  if (variant) return { variant, filename: variant.files[0] };
  const incomplete = ggufs.find((v) => v.quant === wanted);
  if (incomplete) throw new ApiError("no_complete_variant", describeIncomplete(incomplete));
  const available = [...new Set(ggufs.filter((v) => v.complete && v.quant).map((v) => v.quant as string))];
  const listing =
    available.length > 0
      ? `available: ${listSome(available, { max: 2 * maxListedItems })}`
      : "the repository has no complete GGUF file";
  throw new ApiError("hf_file_not_found", `no GGUF file with quantization ${wanted}; ${listing}`);
}

function buildArtifacts(kept: Variant[], projectors: RepoFile[], entries: Entries): Artifact[] {
  const artifacts = new Map<string, Artifact>();
  const add = (path: string, variant: string | null) => {
    const entry = entries.get(path);
    if (!entry || artifacts.has(path)) return;
    const { format, role, quant, size: size_bytes, sha256, blobId: blob_id } = entry;
    artifacts.set(path, {
      filename: path,
      format,
      size_bytes,
      sha256,
      blob_id,
      variant,
      role,
      ...(quant ? { quant } : {}),
    });
  };
  for (const variant of kept) for (const path of variant.files) add(path, variant.name);
  for (const file of projectors) add(file.path, null);
  return [...artifacts.values()].sort((a, b) => comparePaths(a.filename, b.filename));
}

/**
 * Turns a Hub sibling list into the stored manifest: the variants a node can choose
 * from and every file they use, pinned to one commit (README "API", the manifest).
 * `filename` keeps one file's variant, `quant` one GGUF quantization; neither keeps them all.
 */
export function buildManifest(input: {
  siblings: HubSibling[];
  filename?: string | null;
  quant?: string | null;
}): Manifest {
  const files = new Map<string, RepoFile>();
  for (const { rfilename: path, size, lfs, blobId } of input.siblings) {
    if (!files.has(path)) {
      files.set(path, { path, size: lfs?.size ?? size, sha256: lfs?.sha256 ?? null, blobId: blobId ?? null });
    }
  }
  const { variants, projectors, entries } = collectVariants([...files.values()].sort(byPath));

  let selected: { variant: Variant; filename: string } | null = null;
  if (input.filename) selected = selectByFilename(input.filename, variants, entries, files.has(input.filename));
  else if (input.quant) selected = selectByQuant(input.quant, variants);
  else if (!variants.some((variant) => variant.complete)) {
    const reason =
      variants.length > 0 ? describeSome(variants) : "no .gguf, .safetensors, .onnx or metal weights found";
    throw new ApiError("no_complete_variant", `The repository has no complete model variant: ${reason}`);
  }

  const kept = selected ? [selected.variant] : variants;
  checkManifestSize(kept.length, "variants", selected);
  // Projectors serve every GGUF variant of the repo, so only a whole-repo registration carries them.
  const artifacts = buildArtifacts(kept, selected ? [] : projectors, entries);
  checkManifestSize(artifacts.length, "files", selected);
  const incomplete = kept.filter((variant) => !variant.complete);
  const more = incomplete.length - maxListedItems;
  return {
    variants: kept,
    artifacts,
    size_bytes: artifacts.reduce((sum, artifact) => sum + artifact.size_bytes, 0),
    filename: selected?.filename ?? null,
    warnings: [
      ...incomplete.slice(0, maxListedItems).map(describeIncomplete),
      ...(more > 0 ? [`${more} more variants are incomplete and cannot be synced`] : []),
    ],
  };
}

function describeSome(variants: Variant[]): string {
  const shown = variants.slice(0, 3).map(describeIncomplete).join("; ");
  return variants.length > 3 ? `${shown}; and ${variants.length - 3} more incomplete variants` : shown;
}

/** A manifest is read whole by every node: past the bounds, refuse rather than store a giant row. */
function checkManifestSize(count: number, what: "variants" | "files", selected: { variant: Variant } | null) {
  const max = what === "variants" ? maxManifestVariants : maxManifestArtifacts;
  if (count <= max) return;
  const advice = selected
    ? `the variant ${selected.variant.name} cannot be registered`
    : "register one quantization (owner/repo:QUANT) or one file (…/blob/{revision}/{path}) instead";
  throw new ApiError(
    "manifest_too_large",
    `The manifest would hold ${count} ${what}, more than the ${max} one manifest may hold: ${advice}.`,
  );
}
