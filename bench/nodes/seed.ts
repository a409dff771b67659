// Seeds the registry at the scale the product is designed for (1,000 models and 100
// nodes on one server): 1,000 models written straight into PostgreSQL, with manifests
// about as wide as real GGUF and safetensors registrations, since listings read the
// whole row. Nodes are not seeded: the simulated fleet announces and reports over HTTP
// like real agents.
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { openDatabase } from "../../lib/db/open";
import { models, type NewModel, registryState } from "../../lib/db/schema";
import type { Artifact, Variant } from "../../lib/registry/build-manifest";

export interface SeededModel {
  name: string;
  commit: string;
  variant: string;
  sizeBytes: number;
}

async function openTarget(target: string | { pgliteDir: string }) {
  if (typeof target === "string") return openDatabase({ migrate: false, url: target });
  // openDatabase reads the PGlite folder from the environment, as the server does.
  const saved = { url: process.env.DATABASE_URL, dir: process.env.PGLITE_DIR };
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DIR = target.pgliteDir;
  try {
    return await openDatabase({ migrate: true });
  } finally {
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    if (saved.dir === undefined) delete process.env.PGLITE_DIR;
    else process.env.PGLITE_DIR = saved.dir;
  }
}

const hex = (algorithm: "sha1" | "sha256", text: string) => createHash(algorithm).update(text).digest("hex");
// Bits per weight of common llama.cpp quantizations, for plausible file sizes.
const quants: [string, number][] = [
  ["Q3_K_M", 3.91],
  ["Q4_K_M", 4.85],
  ["Q5_K_M", 5.69],
  ["Q6_K", 6.59],
  ["Q8_0", 8.5],
  ["F16", 16],
];
const params = [0.5e9, 1.5e9, 3e9, 7e9, 8e9, 14e9, 32e9, 70e9];

function ggufManifest(repo: string, p: number): { variants: Variant[]; artifacts: Artifact[] } {
  const base = repo.split("/")[1];
  const variants: Variant[] = [];
  const artifacts: Artifact[] = [];
  for (const [quant, bits] of quants) {
    const filename = `${base}.${quant}.gguf`;
    const size = Math.round((p * bits) / 8);
    const name = `gguf:${quant}`;
    variants.push({ name, format: "gguf", quant, size_bytes: size, complete: true, missing: [], files: [filename] });
    const sha256 = hex("sha256", `${repo}/${filename}`);
    artifacts.push({ filename, format: "gguf", size_bytes: size, sha256, variant: name, role: "weights", quant });
  }
  return { variants, artifacts };
}

function safetensorsManifest(repo: string, p: number): { variants: Variant[]; artifacts: Artifact[] } {
  const shards = 1 + (p > 5e9 ? 3 : 0);
  const pad = (n: number) => String(n).padStart(5, "0");
  const files = Array.from({ length: shards }, (_, i) =>
    shards === 1 ? "model.safetensors" : `model-${pad(i + 1)}-of-${pad(shards)}.safetensors`,
  );
  const artifacts: Artifact[] = files.map((filename) => ({
    filename,
    format: "safetensors",
    size_bytes: Math.round((p * 2) / shards),
    sha256: hex("sha256", `${repo}/${filename}`),
    variant: "safetensors",
    role: "weights",
  }));
  if (shards > 1) {
    const index = "model.safetensors.index.json";
    artifacts.push({
      filename: index,
      format: "safetensors",
      size_bytes: 23_950,
      sha256: null,
      variant: "safetensors",
      role: "index",
    });
  }
  for (const [filename, role, size] of [
    ["config.json", "config", 700],
    ["generation_config.json", "config", 180],
    ["tokenizer.json", "tokenizer", 9_085_657],
    ["tokenizer_config.json", "tokenizer", 50_977],
  ] as const) {
    artifacts.push({ filename, format: "other", size_bytes: size, sha256: null, variant: "safetensors", role });
  }
  const size = artifacts.reduce((sum, a) => sum + a.size_bytes, 0);
  const all = artifacts.map((a) => a.filename);
  return {
    variants: [
      {
        name: "safetensors",
        format: "safetensors",
        quant: null,
        size_bytes: size,
        complete: true,
        missing: [],
        files: all,
      },
    ],
    artifacts,
  };
}

/**
 * Inserts `count` models and moves the registry version past them; returns what nodes would
 * sync. `target`: the bench database's URL (its server has migrated it), or a PGlite folder
 * no server has opened yet (migrated here).
 */
export async function seedModels(target: string | { pgliteDir: string }, count: number): Promise<SeededModel[]> {
  const database = await openTarget(target);
  try {
    const now = Date.now();
    const rows: NewModel[] = Array.from({ length: count }, (_, i) => {
      const repo = `org-${i % 100}/model-${i}`;
      const p = params[i % params.length];
      const manifest = i % 2 === 0 ? ggufManifest(repo, p) : safetensorsManifest(repo, p);
      const createdAt = new Date(now - (count - i) * 60_000);
      return {
        name: `hf/${repo}`,
        source: "hf",
        repo,
        filename: null,
        revision: "main",
        commit: hex("sha1", repo),
        displayName: `model-${i}`,
        sizeBytes: manifest.artifacts.reduce((sum, a) => sum + a.size_bytes, 0),
        tags: i % 2 === 0 ? ["gguf", "llama"] : ["safetensors", "llama"],
        lastModified: createdAt,
        formats: [manifest.variants[0].format],
        warnings: [],
        ...manifest,
        createdAt,
        updatedAt: createdAt,
      };
    });
    // Batches keep each INSERT under PostgreSQL's 65,535 bind parameters.
    for (let i = 0; i < rows.length; i += 200) await database.db.insert(models).values(rows.slice(i, i + 200));
    await database.db
      .insert(registryState)
      .values({ id: 1, version: count, syncVersion: 1 })
      .onConflictDoUpdate({ target: registryState.id, set: { version: count, syncVersion: 1 } });
    await database.db.execute(sql`analyze`);
    return rows.map((r) => {
      // A GGUF node picks Q4_K_M, as the agent's default preference would.
      const variant = r.variants.find((v) => v.quant === "Q4_K_M") ?? r.variants[0];
      return { name: r.name, commit: r.commit, variant: variant.name, sizeBytes: variant.size_bytes };
    });
  } finally {
    await database.close();
  }
}
