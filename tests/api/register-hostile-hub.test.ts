// A hostile or broken Hub mirror (issue 10, defects 6, 7 and the server half of 1):
// whatever the server derives from a Hub answer is validated and bounded where it enters,
// and one bad answer, file or entry never fails anything else.
import { describe, expect, it } from "vitest";
import { maxVariantNameLength } from "@/lib/registry/manifest-limits";
import {
  brokenSiblings,
  longFolder,
  longGgufNames,
  traversalSiblingNames,
  unstorableSiblingNames,
} from "../fake-hub/hostile-repos";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

const hub = startHubForFile();

const register = (json: unknown) => callJson("POST", "/api/models/register", { key: adminKey, json });
const listNames = async (): Promise<string[]> =>
  (await callJson("GET", "/api/models", { key: adminKey })).body.models.map((m: { name: string }) => m.name);
const remove = (name: string) => callJson("DELETE", `/api/models/${name}`, { key: adminKey });
const hasControlChar = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20);
const metadataCalls = (repo: string) => hub().requests.filter((r) => r.path.startsWith(`/api/models/${repo}/`));

interface Variant {
  name: string;
  missing: string[];
}
interface Artifact {
  filename: string;
  url: string;
  variant: string | null;
}

describe("the Hub's id is checked like user input", () => {
  it.each([
    ["a path-traversal id", "hostile/lying-id", "../../../../x/PWNED-id"],
    ["an id with a third segment", "hostile/third-segment", "hostile/third-segment/model-Q4_K_M.gguf"],
    ["another repository's id", "hostile/other-repo", "acme/tiny-llama-GGUF"],
  ])("refuses %s with 424 hf_unavailable and stores nothing", async (_label, repo, lie) => {
    const res = await register({ repo });
    expect(res.status).toBe(424);
    expect(res.body.error.code).toBe("hf_unavailable");
    expect(res.body.error.message).toContain(`for ${repo}`);
    expect(res.body.error.message).toContain(JSON.stringify(lie));
    expect(await listNames()).toEqual([]);
  });

  it("still takes the canonical id of a renamed repository from the redirect it followed", async () => {
    const res = await register({ repo: "acme/old-name" });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("hf/acme/tiny-safetensors");
    const legacy = await register({ repo: "gpt2" });
    expect(legacy.status).toBe(201);
    expect(legacy.body.name).toBe("hf/openai-community/gpt2");
    expect(await listNames()).toEqual(["hf/acme/tiny-safetensors", "hf/openai-community/gpt2"].sort());
    await remove("hf/acme/tiny-safetensors");
    await remove("hf/openai-community/gpt2");
  });

  it("accepts the Hub's casing of the id asked for", async () => {
    const res = await register({ repo: "ACME/Tiny-Onnx" });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("hf/acme/tiny-onnx");
    await remove("hf/acme/tiny-onnx");
  });
});

describe("unsafe sibling entries are left out, never stored", () => {
  it.each([
    ["paths that climb out of the repository", "hostile/traversal-names", traversalSiblingNames],
    ["names PostgreSQL cannot store (NUL, a lone surrogate)", "hostile/nul-names", unstorableSiblingNames],
    ["entries with a bad sha256, an absurd size or no name", "hostile/broken-siblings", ["bad-sha.BF16.gguf"]],
  ])("registers the one safe file beside %s, with one warning", async (_label, repo, names) => {
    const res = await register({ repo });
    expect(res.status).toBe(201);
    expect(res.body.model.artifacts.map((a: Artifact) => a.filename)).toEqual(["model-Q4_K_M.gguf"]);
    expect(res.body.model.variants.map((v: Variant) => v.name)).toEqual(["gguf:Q4_K_M"]);

    const skipped = res.body.warnings.filter((w: string) => w.includes("left out"));
    expect(skipped).toHaveLength(1);
    const count = repo === "hostile/broken-siblings" ? brokenSiblings.length : names.length;
    expect(skipped[0]).toContain(`${count} files`);
    expect(skipped[0]).toContain(JSON.stringify(names[0]));
    if (count > 3) expect(skipped[0]).toMatch(/ and \d+ more/);
    expect(skipped[0].length).toBeLessThan(600);
    expect(hasControlChar(skipped[0])).toBe(false);

    const manifest = await callJson("GET", `/api/models/registry/hf/${repo}/manifest.json`, { key: adminKey });
    expect(manifest.status).toBe(200);
    expect(manifest.body.artifacts.map((a: Artifact) => a.filename)).toEqual(["model-Q4_K_M.gguf"]);
    expect(await listNames()).toEqual([`hf/${repo}`]);
    await remove(`hf/${repo}`);
  });

  it("refuses a file registration of a left-out entry as not found", async () => {
    const res = await register({ repo: "hostile/broken-siblings", filename: "bad-sha.BF16.gguf" });
    expect(res.status).toBe(424);
    expect(res.body.error.code).toBe("hf_file_not_found");
    expect(await listNames()).toEqual([]);
  });
});

describe("other strings the Hub sends are stored only when safe", () => {
  it("drops tags with control characters, bounds the rest, and keeps an unreadable date as null", async () => {
    const res = await register({ repo: "hostile/bad-strings" });
    expect(res.status).toBe(201);
    const { tags, gated, last_modified } = res.body.model;
    expect(tags.slice(0, 2)).toEqual(["gguf", "tag-0"]);
    expect(tags.length).toBeLessThanOrEqual(500);
    for (const tag of tags as string[]) {
      expect(hasControlChar(tag)).toBe(false);
      expect(tag.length).toBeLessThanOrEqual(256);
    }
    expect(gated).toBe("auto");
    expect(last_modified).toBeNull();
    await remove("hf/hostile/bad-strings");
  });

  it("keeps a date PostgreSQL cannot store as null and an absurd gated mode short", async () => {
    const res = await register({ repo: "hostile/ancient-date" });
    expect(res.status).toBe(201);
    expect(res.body.model.last_modified).toBeNull();
    expect(res.body.model.gated).toBe("auto");
    expect(res.body.warnings.join(" ").length).toBeLessThan(1000);
    await remove("hf/hostile/ancient-date");
  });
});

describe("Hub answers of unbounded size", () => {
  it("refuses a metadata answer whose Content-Length is over the limit without reading it", async () => {
    hub().clearRequests();
    const res = await register({ repo: "hostile/huge-answer" });
    expect(res.status).toBe(424);
    expect(res.body.error.code).toBe("hf_unavailable");
    expect(res.body.error.message).toMatch(/larger than 32 MB/);
    expect(await listNames()).toEqual([]);
    const [call] = metadataCalls("hostile/huge-answer");
    expect(call.bytes).toBeLessThan(40 * 1024 * 1024);
  });

  it("stops reading a streamed answer once it passes the limit", async () => {
    hub().clearRequests();
    const res = await register({ repo: "hostile/huge-answer-chunked" });
    expect(res.status).toBe(424);
    expect(res.body.error.code).toBe("hf_unavailable");
    expect(res.body.error.message).toMatch(/larger than 32 MB/);
    expect(await listNames()).toEqual([]);
    // The hub streams 100 MiB; a reader that stops at 32 MiB leaves most of it unsent.
    const [call] = metadataCalls("hostile/huge-answer-chunked");
    expect(call.bytes).toBeLessThan(64 * 1024 * 1024);
  });

  it("refuses a whole repository of 200,000 variants with a clear 422, and registers one of its files", async () => {
    const res = await register({ repo: "hostile/many-siblings" });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("manifest_too_large");
    expect(res.body.error.message).toContain("200000 variants");
    expect(res.body.error.message).toContain(":QUANT");
    expect(await listNames()).toEqual([]);

    const one = await register({ repo: "hostile/many-siblings", filename: "parts/part-123456.gguf" });
    expect(one.status).toBe(201);
    expect(one.body.model.artifacts.map((a: Artifact) => a.filename)).toEqual(["parts/part-123456.gguf"]);
    await remove("hf/hostile/many-siblings/parts/part-123456.gguf");
  });
});

describe("names and messages derived from the Hub are bounded", () => {
  it("shortens a variant named after a 300-character folder, stably and uniquely", async () => {
    const res = await register({ repo: "hostile/long-folder" });
    expect(res.status).toBe(201);
    const names = res.body.model.variants.map((v: Variant) => v.name);
    expect(names).toHaveLength(2);
    expect(names[0]).toBe("gguf:Q4_K_M");
    expect(names[1].length).toBeLessThanOrEqual(maxVariantNameLength);
    expect(names[1]).toMatch(/^gguf:Q4_K_M@w+…[0-9a-f]{8}$/);
    const folderFile = res.body.model.artifacts.find((a: Artifact) => a.filename.startsWith(longFolder));
    expect(folderFile.variant).toBe(names[1]);

    await remove("hf/hostile/long-folder");
    const again = await register({ repo: "hostile/long-folder" });
    expect(again.body.model.variants.map((v: Variant) => v.name)).toEqual(names);
    await remove("hf/hostile/long-folder");
  });

  it("shortens variants named after 300-character GGUF names and keeps them apart", async () => {
    const res = await register({ repo: "hostile/long-gguf-name" });
    expect(res.status).toBe(201);
    const names: string[] = res.body.model.variants.map((v: Variant) => v.name);
    expect(names).toHaveLength(longGgufNames.length);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(maxVariantNameLength);
    await remove("hf/hostile/long-gguf-name");
  });

  it("lists a few of 60 available quantizations, not all of them", async () => {
    const res = await register({ repo: "hostile/many-gguf:Q7_K" });
    expect(res.status).toBe(424);
    expect(res.body.error.code).toBe("hf_file_not_found");
    expect(res.body.error.message).toMatch(
      /^no GGUF file with quantization Q7_K; available: ([A-Z0-9_-]+, ){9}[A-Z0-9_-]+ and 50 more$/,
    );
    expect(await listNames()).toEqual([]);
  });

  it("names a few of 999 missing shards, in the refusal and in the warning", async () => {
    const shard = await register({ repo: "hostile/missing-shards", filename: "big-00001-of-01000.gguf" });
    expect(shard.status).toBe(422);
    expect(shard.body.error.code).toBe("no_complete_variant");
    expect(shard.body.error.message).toContain("big-00002-of-01000.gguf");
    expect(shard.body.error.message).toContain("and 994 more");
    expect(shard.body.error.message.length).toBeLessThan(500);
    expect(await listNames()).toEqual([]);

    const repo = await register({ repo: "hostile/missing-shards" });
    expect(repo.status).toBe(201);
    const incomplete = repo.body.model.variants.find((v: Variant) => v.missing.length > 0);
    expect(incomplete.missing.length).toBeLessThanOrEqual(6);
    const warning = repo.body.warnings.find((w: string) => w.includes("incomplete"));
    expect(warning).toContain("and 994 more");
    expect(warning.length).toBeLessThan(500);
    await remove("hf/hostile/missing-shards");
  });
});

describe("names in URLs are decoded once", () => {
  it("reads and deletes the model a file's own %-escape names, never the one it decodes to", async () => {
    const repo = "hostile/percent-names";
    expect((await register({ repo, filename: "bA-Q5_K_M.gguf" })).status).toBe(201);
    expect((await register({ repo, filename: "b%41-Q5_K_M.gguf" })).status).toBe(201);
    const escaped = `hf/${repo}/${encodeURIComponent("b%41-Q5_K_M.gguf")}`;
    const shown = await callJson("GET", `/api/models/${escaped}`, { key: adminKey });
    expect(shown.body.filename).toBe("b%41-Q5_K_M.gguf");
    const manifest = await callJson("GET", `/api/models/registry/${escaped}/manifest.json`, { key: adminKey });
    expect(manifest.body.artifacts.map((a: Artifact) => a.filename)).toEqual(["b%41-Q5_K_M.gguf"]);
    expect((await callJson("GET", `/v1/models/${escaped}`, { key: adminKey })).body.filename).toBe("b%41-Q5_K_M.gguf");
    expect((await remove(escaped)).status).toBe(204);
    expect(await listNames()).toEqual([`hf/${repo}/bA-Q5_K_M.gguf`]);
    await remove(`hf/${repo}/bA-Q5_K_M.gguf`);
  });
});
