import { describe, expect, it } from "vitest";
import { clearModelInfoCache } from "@/lib/hf/metadata-cache";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

const hub = startHubForFile();

const register = (json: unknown, key: string | null = adminKey) =>
  callJson("POST", "/api/models/register", { key, json });
const listNames = async () =>
  (await callJson("GET", "/api/models", { key: adminKey })).body.models.map((m: { name: string }) => m.name);

describe("register refuses bad input and changes nothing", () => {
  const cases: [string, unknown, number, string][] = [
    ["another host", { repo: "https://github.com/acme/tiny-llama-GGUF" }, 400, "invalid_input"],
    ["a dataset", { repo: "https://huggingface.co/datasets/acme/tiny" }, 400, "invalid_input"],
    ["a space", { repo: "https://huggingface.co/spaces/acme/tiny" }, 400, "invalid_input"],
    ["a malformed id", { repo: "acme/bad--name" }, 400, "invalid_input"],
    ["an empty repo", { repo: "   " }, 400, "invalid_input"],
    ["a number", { repo: 42 }, 400, "invalid_input"],
    ["no repo", { filename: "x.gguf" }, 400, "invalid_input"],
    ["path traversal", { repo: "acme/tiny-llama-GGUF", filename: "../../etc/passwd" }, 400, "invalid_input"],
    ["an absolute filename", { repo: "acme/tiny-llama-GGUF", filename: "/etc/passwd" }, 400, "invalid_input"],
    ["a display name with a NUL", { repo: "acme/tiny-safetensors", display_name: "a\u0000b" }, 400, "invalid_input"],
    ["a revision with a lone surrogate", { repo: "acme/tiny-llama-GGUF/tree/\ud800" }, 400, "invalid_input"],
    ["a file URL with a lone surrogate", { repo: "acme/tiny-llama-GGUF/blob/ma\ud800in/x.gguf" }, 400, "invalid_input"],
    [
      "a filename with a lone surrogate",
      { repo: "acme/tiny-llama-GGUF", filename: "x\udc00.gguf" },
      400,
      "invalid_input",
    ],
    ["a missing repo", { repo: "acme/does-not-exist" }, 424, "hf_repo_not_found"],
    ["a private repo without token", { repo: "acme/private-model" }, 424, "hf_repo_not_found"],
    [
      "an unknown revision",
      { repo: "https://huggingface.co/acme/tiny-llama-GGUF/tree/nope" },
      424,
      "hf_revision_not_found",
    ],
    ["a missing file", { repo: "acme/tiny-llama-GGUF", filename: "missing.gguf" }, 424, "hf_file_not_found"],
    ["an unknown quant", { repo: "acme/tiny-llama-GGUF:Q3_K_S" }, 424, "hf_file_not_found"],
    ["a rate-limited hub", { repo: "acme/rate-limited" }, 424, "hf_rate_limited"],
    ["a failing hub", { repo: "acme/failing" }, 424, "hf_unavailable"],
    ["a hub that does not answer in time", { repo: "acme/slow" }, 424, "hf_unavailable"],
    ["a redirect loop", { repo: "acme/loop-a" }, 424, "hf_unavailable"],
    ["a redirect to another host", { repo: "acme/offsite" }, 424, "hf_unavailable"],
    ["a repo without weights", { repo: "acme/no-weights" }, 422, "no_complete_variant"],
    ["an incomplete safetensors set", { repo: "acme/broken-safetensors" }, 422, "no_complete_variant"],
    [
      "a config file",
      { repo: "https://huggingface.co/acme/tiny-safetensors/blob/main/config.json" },
      422,
      "not_a_model_file",
    ],
  ];

  it.each(cases)("%s", async (_label, body, status, code) => {
    const res = await register(body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message.length).toBeGreaterThan(10);
    expect(await listNames()).toEqual([]);
  });

  it("says how long to wait when the Hub rate-limits", async () => {
    const res = await register({ repo: "acme/rate-limited" });
    expect(res.headers.get("retry-after")).toBe("42");
    expect(res.body.error.message).toContain("42");
  });

  it("tells the owner of a private repo to set HF_TOKEN", async () => {
    const res = await register({ repo: "acme/private-model" });
    expect(res.body.error.message).toMatch(/acme\/private-model is not found, or private: set HF_TOKEN if it is yours/);
  });

  it("rejects malformed JSON, empty and oversized bodies", async () => {
    const bad = await callJson("POST", "/api/models/register", { key: adminKey, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
    const empty = await callJson("POST", "/api/models/register", { key: adminKey, body: "" });
    expect(empty.status).toBe(400);
    const array = await register(["acme/tiny-llama-GGUF"]);
    expect(array.status).toBe(400);
    const huge = await register({ repo: "acme/tiny-llama-GGUF", pad: "x".repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");
    expect(await listNames()).toEqual([]);
  });

  it("needs an admin key", async () => {
    const none = await register({ repo: "acme/tiny-safetensors" }, null);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("unauthorized");
    const wrong = await register({ repo: "acme/tiny-safetensors" }, "llmlb_not-a-real-key");
    expect(wrong.status).toBe(401);
    const reader = await callJson("POST", "/api/keys", { key: adminKey, json: { name: "r", scope: "reader" } });
    const forbidden = await register({ repo: "acme/tiny-safetensors" }, reader.body.key);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("forbidden");
    expect(await listNames()).toEqual([]);
  });
});

describe("concurrent duplicates", () => {
  it("20 identical registrations at once yield exactly one 201 and one row", async () => {
    clearModelInfoCache();
    const before = hub().requests.filter((r) => r.path.startsWith("/api/models/acme/tiny-safetensors")).length;
    const results = await Promise.all(Array.from({ length: 20 }, () => register({ repo: "acme/tiny-safetensors" })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect((await listNames()).filter((n: string) => n === "hf/acme/tiny-safetensors")).toHaveLength(1);
    const after = hub().requests.filter((r) => r.path.startsWith("/api/models/acme/tiny-safetensors")).length;
    expect(after - before).toBe(1);
  });
});
