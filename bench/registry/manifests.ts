// Synthetic but realistic manifests for seeded models: rows as wide as real GGUF and
// safetensors registrations, so reading a model (the manifest endpoint, the detail
// page) costs what it would in production; listings read only their own columns.
import { createHash } from "node:crypto";
import type { Artifact, Variant } from "../../lib/registry/build-manifest";

export interface SeedManifest {
  variants: Variant[];
  artifacts: Artifact[];
  sizeBytes: number;
  formats: string[];
  tags: string[];
  warnings: string[];
}

/** Deterministic PRNG, so every run seeds the same rows and figures stay comparable. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hexDigest(algorithm: "sha1" | "sha256", text: string): string {
  return createHash(algorithm).update(text).digest("hex");
}

const paramCounts = [0.5e9, 1.5e9, 3e9, 7e9, 8e9, 14e9, 32e9, 70e9];
// Bits per weight of common llama.cpp quantizations, to get plausible file sizes.
const ggufQuants: [string, number][] = [
  ["Q2_K", 2.63],
  ["Q3_K_M", 3.91],
  ["IQ4_XS", 4.25],
  ["Q4_K_M", 4.85],
  ["Q5_K_M", 5.69],
  ["Q6_K", 6.59],
  ["Q8_0", 8.5],
  ["F16", 16],
];
const largeModelBytes = 50e9;

function pick<T>(items: T[], random: () => number): T {
  return items[Math.floor(random() * items.length)];
}

/** Even indexes are GGUF repositories, odd ones safetensors checkpoints. */
export function buildSeedManifest(repo: string, index: number, random: () => number): SeedManifest {
  const params = pick(paramCounts, random);
  const manifest = index % 2 === 0 ? buildGguf(repo, params, random) : buildSafetensors(repo, params, random);
  const sizeBytes = manifest.artifacts.reduce((sum, a) => sum + a.size_bytes, 0);
  // As registerModel words it: a node loads one variant, so the smallest one decides.
  const smallest = Math.min(...manifest.variants.map((v) => v.size_bytes));
  const warnings =
    smallest > largeModelBytes
      ? [
          `Its smallest variant is ${Math.round(smallest / 1e9)} GB, larger than 50 GB: check that your nodes have the disk.`,
        ]
      : [];
  return { ...manifest, sizeBytes, warnings };
}

function buildGguf(repo: string, params: number, random: () => number) {
  const base = repo.split("/")[1];
  const count = 5 + Math.floor(random() * 4);
  const quants = ggufQuants.slice(ggufQuants.length - count);
  const variants: Variant[] = [];
  const artifacts: Artifact[] = [];
  for (const [quant, bits] of quants) {
    const filename = `${base}.${quant}.gguf`;
    const size = Math.round((params * bits) / 8);
    const name = `gguf:${quant}`;
    variants.push({ name, format: "gguf", quant, size_bytes: size, complete: true, missing: [], files: [filename] });
    artifacts.push(weights(repo, filename, "gguf", size, name, quant));
  }
  if (random() < 0.3) {
    const filename = `mmproj-${base}-f16.gguf`;
    artifacts.push({ ...weights(repo, filename, "gguf", 600e6, null), role: "aux" });
  }
  return { variants, artifacts, formats: ["gguf"], tags: ["gguf", "llama", "text-generation"] };
}

function buildSafetensors(repo: string, params: number, random: () => number) {
  const shardCount = 1 + Math.floor(random() * 4);
  const shardSize = Math.round((params * 2) / shardCount);
  const pad = (n: number) => String(n).padStart(5, "0");
  const shards = Array.from({ length: shardCount }, (_, i) =>
    shardCount === 1 ? "model.safetensors" : `model-${pad(i + 1)}-of-${pad(shardCount)}.safetensors`,
  );
  const artifacts: Artifact[] = shards.map((f) => weights(repo, f, "safetensors", shardSize, "safetensors"));
  const small: [string, Artifact["role"], number][] = [
    ["config.json", "config", 700],
    ["generation_config.json", "config", 180],
    ["tokenizer.json", "tokenizer", 9_085_657],
    ["tokenizer_config.json", "tokenizer", 50_977],
    ["special_tokens_map.json", "tokenizer", 414],
  ];
  if (shardCount > 1) small.unshift(["model.safetensors.index.json", "index", 23_950]);
  for (const [filename, role, size] of small) {
    // As buildManifest labels them: the index belongs to the safetensors format, the rest are "other".
    const format = role === "index" ? "safetensors" : "other";
    artifacts.push({ filename, format, size_bytes: size, sha256: null, variant: "safetensors", role });
  }
  const files = artifacts.map((a) => a.filename);
  const size = artifacts.reduce((sum, a) => sum + a.size_bytes, 0);
  const variants: Variant[] = [
    { name: "safetensors", format: "safetensors", quant: null, size_bytes: size, complete: true, missing: [], files },
  ];
  return { variants, artifacts, formats: ["safetensors"], tags: ["safetensors", "llama", "text-generation"] };
}

function weights(
  repo: string,
  filename: string,
  format: Artifact["format"],
  size: number,
  variant: string | null,
  quant?: string,
): Artifact {
  const sha256 = hexDigest("sha256", `${repo}/${filename}`);
  return { filename, format, size_bytes: size, sha256, variant, role: "weights", ...(quant ? { quant } : {}) };
}
