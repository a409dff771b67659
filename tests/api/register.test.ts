import { describe, expect, it } from "vitest";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

const hub = startHubForFile();

const register = (json: unknown, key: string | null = adminKey) =>
  callJson("POST", "/api/models/register", { key, json });
const listNames = async () =>
  (await callJson("GET", "/api/models", { key: adminKey })).body.models.map((m: { name: string }) => m.name);

describe("POST /api/models/register", () => {
  it("registers a GGUF repository by URL and pins the commit", async () => {
    const res = await register({ repo: `https://huggingface.co/acme/tiny-llama-GGUF` });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("hf/acme/tiny-llama-GGUF");
    expect(res.body.status).toBe("registered");
    const model = res.body.model;
    expect(model.commit).toBe(hub().getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf")?.commit);
    expect(model.revision).toBe("main");
    expect(model.filename).toBeNull();
    expect(model.source).toBe("hf");
    expect(model.formats).toEqual(["gguf"]);
    expect(model.variants.map((v: { name: string }) => v.name).sort()).toEqual([
      "gguf:F16",
      "gguf:Q4_K_M",
      "gguf:Q8_0",
    ]);
    const q4 = model.artifacts.find((a: { filename: string }) => a.filename === "tiny-llama.Q4_K_M.gguf");
    expect(q4).toMatchObject({
      format: "gguf",
      role: "weights",
      quant: "Q4_K_M",
      size_bytes: 300000,
      variant: "gguf:Q4_K_M",
    });
    expect(q4.sha256).toBe(hub().getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf")?.sha256);
    expect(q4.url).toBe(`${hub().url}/acme/tiny-llama-GGUF/resolve/${model.commit}/tiny-llama.Q4_K_M.gguf`);
    const mmproj = model.artifacts.find((a: { filename: string }) => a.filename.startsWith("mmproj"));
    expect(mmproj).toMatchObject({ role: "aux", variant: null });
    expect(model.size_bytes).toBe(300000 + 500000 + 900000 + 120000);
    expect(model.artifacts.some((a: { filename: string }) => a.filename === "README.md")).toBe(false);
    expect(await listNames()).toEqual(["hf/acme/tiny-llama-GGUF"]);
  });

  it("registers one file of a repository as its own model beside the repo", async () => {
    const url = `https://huggingface.co/acme/tiny-llama-GGUF/blob/main/tiny-llama.Q8_0.gguf`;
    const res = await register({ repo: url, display_name: "Tiny Q8" });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("hf/acme/tiny-llama-GGUF/tiny-llama.Q8_0.gguf");
    expect(res.body.model.display_name).toBe("Tiny Q8");
    expect(res.body.model.filename).toBe("tiny-llama.Q8_0.gguf");
    expect(res.body.model.artifacts.map((a: { filename: string }) => a.filename)).toEqual(["tiny-llama.Q8_0.gguf"]);
    expect(res.body.model.size_bytes).toBe(500000);
  });

  it("selects a quantization with the owner/repo:QUANT shorthand", async () => {
    const res = await register({ repo: "acme/big-model-GGUF:q8_0" });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("hf/acme/big-model-GGUF/Q8_0/big-model-Q8_0-00001-of-00002.gguf");
    expect(res.body.model.artifacts).toHaveLength(2);
  });

  it("takes the filename from a separate field and a shard URL selects its whole set", async () => {
    const res = await register({
      repo: "acme/big-model-GGUF",
      filename: "Q4_K_M/big-model-Q4_K_M-00002-of-00003.gguf",
    });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("hf/acme/big-model-GGUF/Q4_K_M/big-model-Q4_K_M-00001-of-00003.gguf");
    expect(res.body.model.artifacts).toHaveLength(3);
    expect(res.body.model.size_bytes).toBe(600000);
  });

  it("registers every kind of fixture repository", async () => {
    const cases: [string, string[]][] = [
      ["acme/tiny-safetensors", ["safetensors"]],
      ["https://huggingface.co/acme/sharded-safetensors/tree/main", ["safetensors"]],
      ["hf.co/acme/tiny-onnx", ["onnx"]],
      ["https://www.huggingface.co/models/acme/tiny-metal/", ["metal"]],
      ["acme/metal-folder", ["metal"]],
      ["acme/big-model-GGUF", ["gguf"]],
    ];
    for (const [input, formats] of cases) {
      const res = await register({ repo: input });
      expect(res.status, `${input}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.model.formats).toEqual(formats);
    }
    const big = await callJson("GET", "/api/models/hf/acme/big-model-GGUF", { key: adminKey });
    const iq2 = big.body.variants.find((v: { name: string }) => v.name === "gguf:IQ2_XS");
    expect(iq2.complete).toBe(false);
    expect(big.body.warnings.join(" ")).toContain("IQ2_XS");
  });

  it("follows the Hub's redirect for a legacy id and stores the canonical id", async () => {
    const res = await register({ repo: "https://huggingface.co/gpt2" });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("hf/openai-community/gpt2");
    expect(res.body.model.repo).toBe("openai-community/gpt2");
  });

  it("uses the Hub's casing for the name and treats names case-insensitively", async () => {
    const res = await register({ repo: "ACME/GATED-MODEL" });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("hf/acme/gated-model");
    expect(res.body.warnings.join(" ")).toMatch(/gated.*HF_TOKEN/);
    const dup = await register({ repo: "acme/Gated-Model" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("model_exists");
    expect(dup.body.error.name).toBe("hf/acme/gated-model");
    expect(dup.body.error.message).toContain("already registered");
  });

  it("pins a tag, a pull-request ref and a commit", async () => {
    const tag = await register({
      repo: "https://huggingface.co/acme/tiny-llama-GGUF/blob/v1.0/tiny-llama.Q4_K_M.gguf",
    });
    expect(tag.status).toBe(201);
    expect(tag.body.model.revision).toBe("v1.0");
    const main = hub().getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf")?.commit;
    expect(tag.body.model.commit).not.toBe(main);
    const pr = await register({
      repo: "https://huggingface.co/acme/tiny-llama-GGUF/resolve/refs%2Fpr%2F1/tiny-llama.F16.gguf?download=true",
    });
    expect(pr.status).toBe(201);
    expect(pr.body.model.revision).toBe("refs/pr/1");
    expect(pr.body.model.artifacts[0].url).toContain(`/resolve/${pr.body.model.commit}/`);
  });

  it("warns that a model over 50 GB is large", async () => {
    const res = await register({ repo: "acme/huge-model" });
    expect(res.status).toBe(201);
    expect(res.body.model.size_bytes).toBeGreaterThan(50e9);
    expect(res.body.warnings.join(" ")).toContain("larger than 50 GB");
  });

  it("registers a file whose name is not Latin-1", async () => {
    const res = await register({
      repo: "https://huggingface.co/acme/unicode-gguf/blob/main/%E6%A8%A1%E5%9E%8B-Q4_K_M.gguf",
    });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe("hf/acme/unicode-gguf/模型-Q4_K_M.gguf");
    expect(res.headers.get("location")).toBe("/api/models/hf/acme/unicode-gguf/%E6%A8%A1%E5%9E%8B-Q4_K_M.gguf");
    const manifest = await callJson("GET", `/api/models/registry/${encodeURIComponent(res.body.name)}/manifest.json`, {
      key: adminKey,
    });
    expect(manifest.body.artifacts[0].url).toContain("/%E6%A8%A1%E5%9E%8B-Q4_K_M.gguf");
  });
});
