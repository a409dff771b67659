// Repositories a hostile or broken Hub mirror could serve (issue 10): whatever the server
// derives from a Hub answer must be validated and bounded where it enters. Most are real
// files with awkward names; the rest rewrite or replace the metadata answer itself.
import * as t from "./fixture-texts";
import type { FixtureBinaryFile, FixtureRepo } from "./fixtures";

type Body = Record<string, unknown>;

const MiB = 1024 * 1024;
// One PRNG block for every binary file here (sizes differ, so hashes still differ).
const bin = (path: string, size: number): FixtureBinaryFile => ({
  path,
  kind: "binary",
  size,
  lfs: true,
  seed: "hostile/shared",
});
const meta = {
  tags: ["gguf", "text-generation"],
  libraryName: "gguf",
  createdAt: "2026-02-01T10:00:00.000Z",
  lastModified: "2026-02-02T10:00:00.000Z",
};
const oneModel = [bin("model-Q4_K_M.gguf", 4096)];

const lieAboutId = (id: string) => (body: Body) => ({ ...body, id, modelId: id });
const addSiblings = (extra: unknown[]) => (body: Body) => ({
  ...body,
  siblings: [...(body.siblings as unknown[]), ...extra],
});

/**
 * Sibling paths the server must never store nor turn into URLs: each would climb out of
 * the repository or a node's cache folder (each names a quant, so it would be a variant).
 */
export const traversalSiblingNames = [
  "../escape.Q8_0.gguf",
  "weights/../../escape.Q5_K_M.gguf",
  "/etc/absolute.Q6_K.gguf",
  "C:/windows/drive.Q2_K.gguf",
  "back\\slash.Q3_K_M.gguf",
  "./dot.Q4_0.gguf",
  "double//slash.Q4_1.gguf",
  "%2e%2e/encoded.IQ3_M.gguf",
  `${"x".repeat(1100)}.F16.gguf`,
];
/** Sibling names PostgreSQL refuses to store (NUL, a lone surrogate) or that hide control characters. */
export const unstorableSiblingNames = [
  "nul\u0000byte.Q5_0.gguf",
  "bell\u0007.Q5_1.gguf",
  "lone\ud800surrogate.IQ4_XS.gguf",
];
/** Well-named siblings whose other fields are impossible: no sha256, no size or an absurd one, not even an object. */
export const brokenSiblings: unknown[] = [
  { rfilename: "bad-sha.BF16.gguf", size: 10, lfs: { sha256: "../../not-a-hash", size: 10 } },
  // Stored as 0 bytes, every node would fail it with checksum_mismatch.
  { rfilename: "no-size.Q8_0.gguf" },
  { rfilename: "absurd-size.F32.gguf", size: 2 ** 60 },
  { rfilename: 42, size: 10 },
  "just a string",
  null,
];

const MANY = 200_000;
let manySiblings: unknown[] | undefined;
/** 200,000 GGUF files (sizes only, as for small files): each is its own variant. Built once, on first use. */
function siblingsOfMany(): unknown[] {
  manySiblings ??= Array.from({ length: MANY }, (_, i) => ({
    rfilename: `parts/part-${String(i + 1).padStart(6, "0")}.gguf`,
    size: 1000,
  }));
  return manySiblings;
}

/** Bytes of file names in one long-names answer: under the 32 MB read limit, 30 of them would hold ~700 MB. */
export const longNamesAnswerBytes = 24_000 * 1000;
let longNameSiblings: unknown[] | undefined;
/** 24,000 files with names of about 1,000 characters (folders of 240): few entries, many bytes. */
function siblingsWithLongNames(): unknown[] {
  const folders = ["a", "b", "c"].map((c) => c.repeat(240)).join("/");
  longNameSiblings ??= Array.from({ length: longNamesAnswerBytes / 1000 }, (_, i) => ({
    rfilename: `${folders}/${String(i).padStart(6, "0")}-${"x".repeat(265)}.txt`,
    size: 1000,
  }));
  return longNameSiblings;
}

// 39 llama.cpp quant types, then unsloth's dynamic builds of the first 21: 60 variants.
const QUANTS = [
  ..."IQ1_S IQ1_M IQ2_XXS IQ2_XS IQ2_S IQ2_M IQ3_XXS IQ3_XS IQ3_S IQ3_M IQ4_XS IQ4_NL".split(" "),
  ..."Q2_K Q2_K_S Q2_K_L Q3_K_S Q3_K_M Q3_K_L Q3_K_XL Q4_0 Q4_1 Q4_K_S Q4_K_M Q4_K_L".split(" "),
  ..."Q4_K_XL Q5_0 Q5_1 Q5_K_S Q5_K_M Q5_K_L Q6_K Q6_K_L Q8_0 TQ1_0 TQ2_0 MXFP4 BF16 F16 F32".split(" "),
];
const MANY_QUANTS = [...QUANTS, ...QUANTS.slice(0, 21).map((q) => `UD-${q}`)];

/**
 * A folder path of about 300 characters, in segments short enough for any file system;
 * it sorts after the root file, so the folder's variant is the one named after its place.
 */
export const longFolder = `${"w".repeat(150)}/${"z".repeat(150)}`;
/** Two 300-character GGUF names that differ only at the end (their variant names must too). */
export const longGgufNames = [`${"n".repeat(295)}.gguf`, `${"n".repeat(294)}m.gguf`];

export const hostileRepos: FixtureRepo[] = [
  // The answer names another repository than the one asked for.
  { id: "hostile/lying-id", ...meta, files: oneModel, rewriteMetadata: lieAboutId("../../../../x/PWNED-id") },
  {
    id: "hostile/third-segment",
    ...meta,
    files: oneModel,
    rewriteMetadata: lieAboutId("hostile/third-segment/model-Q4_K_M.gguf"),
  },
  { id: "hostile/other-repo", ...meta, files: oneModel, rewriteMetadata: lieAboutId("acme/tiny-llama-GGUF") },
  // One safe model file among siblings that are unsafe or broken.
  {
    id: "hostile/traversal-names",
    ...meta,
    files: oneModel,
    rewriteMetadata: addSiblings(traversalSiblingNames.map((rfilename) => ({ rfilename, size: 10 }))),
  },
  {
    id: "hostile/nul-names",
    ...meta,
    files: oneModel,
    rewriteMetadata: addSiblings(unstorableSiblingNames.map((rfilename) => ({ rfilename, size: 10 }))),
  },
  { id: "hostile/broken-siblings", ...meta, files: oneModel, rewriteMetadata: addSiblings(brokenSiblings) },
  // Strings the database cannot store (NUL), or would store unbounded, outside the siblings.
  {
    id: "hostile/bad-strings",
    ...meta,
    files: oneModel,
    rewriteMetadata: (body) => ({
      ...body,
      tags: [
        "gguf",
        "nul\u0000tag",
        "bell\u0007tag",
        "x".repeat(10_000),
        ...Array.from({ length: 2000 }, (_, i) => `tag-${i}`),
      ],
      gated: "manual\u0000",
      lastModified: "sometime last week",
    }),
  },
  {
    id: "hostile/ancient-date",
    ...meta,
    files: oneModel,
    rewriteMetadata: (body) => ({ ...body, gated: "g".repeat(5000), lastModified: "-271821-04-20T00:00:00.000Z" }),
  },
  // Metadata answers too large to read: with a Content-Length, and streamed without one.
  { id: "hostile/huge-answer", ...meta, files: [], oversizedMetadata: { bytes: 300 * MiB, declareLength: true } },
  {
    id: "hostile/huge-answer-chunked",
    ...meta,
    files: [],
    oversizedMetadata: { bytes: 100 * MiB, declareLength: false },
  },
  {
    id: "hostile/many-siblings",
    ...meta,
    files: [],
    revisions: ["v2"],
    rewriteMetadata: (body) => ({ ...body, siblings: siblingsOfMany() }),
  },
  {
    id: "hostile/long-names",
    ...meta,
    files: [],
    revisions: ["v2", "v3"],
    rewriteMetadata: (body) => ({ ...body, siblings: siblingsWithLongNames() }),
  },
  // Names a node echoes in every heartbeat: the server must never derive long ones.
  {
    id: "hostile/long-folder",
    ...meta,
    files: [bin("model-Q4_K_M.gguf", 4096), bin(`${longFolder}/model-Q4_K_M.gguf`, 4097)],
  },
  { id: "hostile/long-gguf-name", ...meta, files: longGgufNames.map((path, i) => bin(path, 5000 + i)) },
  {
    id: "hostile/many-gguf",
    ...meta,
    files: MANY_QUANTS.map((quant, i) => bin(`many.${quant}.gguf`, 1000 + i)),
  },
  {
    // A file whose own name holds a %-escape beside the file that escape decodes to: a name
    // decoded twice on its way through a URL would reach the other model.
    id: "hostile/percent-names",
    ...meta,
    files: [bin("b%41-Q5_K_M.gguf", 3001), bin("bA-Q5_K_M.gguf", 3002)],
  },
  {
    // Capital letters JavaScript and PostgreSQL lower-case differently (Σ at a word's end, İ).
    id: "hostile/unicode-case",
    ...meta,
    files: [bin("ΟΔΟΣ-Q4_K_M.gguf", 3003), bin("İstanbul-Q8_0.gguf", 3004)],
  },
  {
    // One shard of a thousand, beside a complete file.
    id: "hostile/missing-shards",
    ...meta,
    files: [
      txt("README.md", t.readme("missing-shards", "999 of 1000 shards are missing.")),
      bin("big-00001-of-01000.gguf", 3000),
      bin("small.Q4_K_M.gguf", 2000),
    ],
  },
];

function txt(path: string, content: string) {
  return { path, kind: "text" as const, content };
}
