import { describe, expect, it } from "vitest";
import { clearModelInfoCache, expireModelInfoCache, getModelInfo, maxCachedSiblings } from "@/lib/hf/metadata-cache";
import { longNamesAnswerBytes } from "../fake-hub/hostile-repos";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

const hub = startHubForFile();

const metadataCalls = (repo: string) => hub().requests.filter((r) => r.path.startsWith(`/api/models/${repo}`));

describe("Hub metadata cache", () => {
  it("answers repeated lookups within 5 minutes from memory", async () => {
    clearModelInfoCache();
    hub().clearRequests();
    const first = await getModelInfo({ repo: "acme/tiny-onnx", revision: "main" });
    const second = await getModelInfo({ repo: "ACME/tiny-onnx", revision: "main" });
    expect(second.info.sha).toBe(first.info.sha);
    expect(second.stale).toBe(false);
    expect(metadataCalls("acme/tiny-onnx")).toHaveLength(1);
    expect(metadataCalls("acme/tiny-onnx")[0].path).toContain("?blobs=true");
  });

  it("serves the last answer marked stale when the Hub is down, and registration says so", async () => {
    await getModelInfo({ repo: "acme/tiny-llama-GGUF", revision: "main" });
    expireModelInfoCache();
    hub().setOutage("down");
    try {
      const stale = await getModelInfo({ repo: "acme/tiny-llama-GGUF", revision: "main" });
      expect(stale.stale).toBe(true);
      const res = await callJson("POST", "/api/models/register", {
        key: adminKey,
        json: { repo: "acme/tiny-llama-GGUF" },
      });
      expect(res.status).toBe(201);
      expect(res.body.stale).toBe(true);
      expect(res.body.warnings.join(" ")).toContain("may be out of date");
    } finally {
      hub().setOutage(null);
    }
  });

  it("serves stale data while the Hub rate-limits, and fails cleanly with nothing cached", async () => {
    await getModelInfo({ repo: "acme/tiny-metal", revision: "main" });
    expireModelInfoCache();
    hub().setOutage("ratelimit");
    try {
      expect((await getModelInfo({ repo: "acme/tiny-metal", revision: "main" })).stale).toBe(true);
      const res = await callJson("POST", "/api/models/register", {
        key: adminKey,
        json: { repo: "acme/metal-folder" },
      });
      expect(res.status).toBe(424);
      expect(res.body.error.code).toBe("hf_rate_limited");
      expect(res.headers.get("retry-after")).toBe("42");
    } finally {
      hub().setOutage(null);
    }
  });

  it("refreshes after expiry when the Hub is back", async () => {
    hub().clearRequests();
    expireModelInfoCache();
    const fresh = await getModelInfo({ repo: "acme/tiny-metal", revision: "main" });
    expect(fresh.stale).toBe(false);
    expect(metadataCalls("acme/tiny-metal")).toHaveLength(1);
  });

  it("forgets the oldest answers once the file lists it holds pass the bound", async () => {
    clearModelInfoCache();
    hub().clearRequests();
    // Two answers of 200,000 files each: together past what the cache may hold.
    const main = await getModelInfo({ repo: "hostile/many-siblings", revision: "main" });
    expect(main.info.siblings.length).toBeGreaterThan(maxCachedSiblings / 2);
    await getModelInfo({ repo: "hostile/many-siblings", revision: "v2" });
    await getModelInfo({ repo: "hostile/many-siblings", revision: "v2" });
    expect(metadataCalls("hostile/many-siblings")).toHaveLength(2);
    await getModelInfo({ repo: "hostile/many-siblings", revision: "main" });
    expect(metadataCalls("hostile/many-siblings")).toHaveLength(3);
    clearModelInfoCache();
  });

  it("forgets the oldest answers once the bytes they hold pass the bound", async () => {
    clearModelInfoCache();
    hub().clearRequests();
    // Three answers of ~24 MB of file names each, few entries: only a bound on bytes sees them.
    for (const revision of ["main", "v2", "v3"]) {
      const { info } = await getModelInfo({ repo: "hostile/long-names", revision });
      expect(info.siblings.length * 1000).toBe(longNamesAnswerBytes);
    }
    expect(metadataCalls("hostile/long-names")).toHaveLength(3);
    // The newest answer is kept, the oldest forgotten: asking for it again asks the Hub.
    await getModelInfo({ repo: "hostile/long-names", revision: "v3" });
    expect(metadataCalls("hostile/long-names")).toHaveLength(3);
    await getModelInfo({ repo: "hostile/long-names", revision: "main" });
    expect(metadataCalls("hostile/long-names")).toHaveLength(4);
    clearModelInfoCache();
  });

  it("does not hide a missing repo behind the cache", async () => {
    await expect(getModelInfo({ repo: "acme/never-existed", revision: "main" })).rejects.toMatchObject({
      code: "hf_repo_not_found",
    });
  });
});

describe("Hub authentication", () => {
  it("sends HF_TOKEN as a Bearer token to the Hub", async () => {
    process.env.HF_TOKEN = hub().token;
    try {
      clearModelInfoCache();
      hub().clearRequests();
      const res = await callJson("POST", "/api/models/register", {
        key: adminKey,
        json: { repo: "acme/private-model" },
      });
      expect(res.status).toBe(201);
      expect(hub().requests[0].authorization).toBe(`Bearer ${hub().token}`);
      const missing = await callJson("POST", "/api/models/register", { key: adminKey, json: { repo: "acme/missing" } });
      expect(missing.status).toBe(424);
      expect(missing.body.error.code).toBe("hf_repo_not_found");
      expect(missing.body.error.message).toContain("check that HF_TOKEN has access");
    } finally {
      delete process.env.HF_TOKEN;
    }
  });
});
