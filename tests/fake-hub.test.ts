// The fake Hub is the contract other tests lean on, so check its wire format over
// real HTTP: statuses, headers and bytes, exactly as a Hub client would see them.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeHub, startFakeHub } from "./fake-hub";

let hub: FakeHub;
const JSON_TYPE = "application/json; charset=utf-8";
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const auth = () => ({ Authorization: `Bearer ${hub.token}` });

function get(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(path.startsWith("http") ? path : `${hub.url}${path}`, { redirect: "manual", ...init });
}

interface Sibling {
  rfilename: string;
  blobId: string;
  size?: number;
  lfs?: { sha256: string; size: number; pointerSize: number };
}
interface ModelInfo {
  id: string;
  sha: string;
  private: boolean;
  gated: false | "auto" | "manual";
  siblings: Sibling[];
  [k: string]: unknown;
}

async function info(path: string, init?: RequestInit): Promise<ModelInfo> {
  const res = await get(path, init);
  expect(res.status).toBe(200);
  return (await res.json()) as ModelInfo;
}

/** Follows the Hub's redirects by hand (same-origin relative, or to the CDN without auth). */
async function download(id: string, path: string, headers: Record<string, string> = {}): Promise<Buffer> {
  let res = await get(`/${id}/resolve/main/${path}`, { headers });
  for (let hops = 0; res.status === 302 || res.status === 307; hops++) {
    expect(hops).toBeLessThan(3);
    const location = res.headers.get("location") ?? "";
    const sameOrigin = location.startsWith("/");
    res = await get(sameOrigin ? `${hub.url}${location}` : location, { headers: sameOrigin ? headers : {} });
  }
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

beforeAll(async () => {
  hub = await startFakeHub({ slowDelayMs: 150 });
});
afterAll(async () => {
  await hub.close();
});

describe("metadata", () => {
  it("returns the Hub's model info shape with sizes and lfs only when blobs=true", async () => {
    const res = await get("/api/models/acme/tiny-llama-GGUF/revision/main?blobs=true");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(JSON_TYPE);
    const body = (await res.json()) as ModelInfo;
    expect(body).toMatchObject({
      id: "acme/tiny-llama-GGUF",
      modelId: "acme/tiny-llama-GGUF",
      author: "acme",
      private: false,
      gated: false,
      disabled: false,
      tags: ["gguf", "llama", "text-generation"],
      lastModified: "2026-01-02T03:04:05.000Z",
    });
    expect(body._id).toMatch(/^[0-9a-f]{24}$/);
    expect(body.sha).toMatch(/^[0-9a-f]{40}$/);
    const q4 = body.siblings.find((s) => s.rfilename === "tiny-llama.Q4_K_M.gguf");
    expect(q4).toMatchObject({ size: 300000, lfs: { size: 300000 } });
    expect(q4?.lfs?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const readme = body.siblings.find((s) => s.rfilename === "README.md");
    expect(readme?.lfs).toBeUndefined();
    expect(readme?.size).toBeGreaterThan(0);

    const plain = await info("/api/models/acme/tiny-llama-GGUF");
    expect(plain.sha).toBe(body.sha);
    expect(plain.siblings.every((s) => s.size === undefined && s.lfs === undefined && s.blobId)).toBe(true);
  });

  it("sizes and sha256 match the bytes actually downloaded (CDN and small files)", async () => {
    const body = await info("/api/models/acme/tiny-safetensors?blobs=true");
    for (const name of ["model.safetensors", "config.json"]) {
      const sibling = body.siblings.find((s) => s.rfilename === name);
      const bytes = await download("acme/tiny-safetensors", name);
      expect(bytes.length).toBe(sibling?.size);
      expect(sha256(bytes)).toBe(hub.getFile("acme/tiny-safetensors", name)?.sha256);
      if (sibling?.lfs) expect(sha256(bytes)).toBe(sibling.lfs.sha256);
    }
    const gguf = await download("acme/tiny-llama-GGUF", "tiny-llama.Q8_0.gguf");
    expect(gguf.subarray(0, 4).toString("latin1")).toBe("GGUF");
    expect(sha256(gguf)).toBe(hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q8_0.gguf")?.sha256);
    const index = JSON.parse((await download("acme/sharded-safetensors", "model.safetensors.index.json")).toString());
    expect(index.metadata.total_size).toBe(700000);
  });

  it("finds ids case-insensitively and answers with canonical casing", async () => {
    expect((await info("/api/models/ACME/Tiny-Llama-GGUF")).id).toBe("acme/tiny-llama-GGUF");
  });

  it("accepts encoded and plain refs/pr/1, tags and commit shas as revisions", async () => {
    const main = await info("/api/models/acme/tiny-llama-GGUF");
    const pr = await info("/api/models/acme/tiny-llama-GGUF/revision/refs%2Fpr%2F1?blobs=true");
    const prPlain = await info("/api/models/acme/tiny-llama-GGUF/revision/refs/pr/1");
    const tag = await info("/api/models/acme/tiny-llama-GGUF/revision/v1.0");
    expect(pr.sha).toBe(prPlain.sha);
    expect(new Set([main.sha, pr.sha, tag.sha]).size).toBe(3);
    expect((await info(`/api/models/acme/tiny-llama-GGUF/revision/${pr.sha}`)).sha).toBe(pr.sha);
  });

  it("answers 404 RevisionNotFound for an unknown revision", async () => {
    const res = await get("/api/models/acme/tiny-llama-GGUF/revision/xyz");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-error-code")).toBe("RevisionNotFound");
    expect(await res.json()).toEqual({ error: "Invalid rev id: xyz" });
  });
});

describe("auth", () => {
  it("answers 401 without error code to anonymous callers for private and missing repos", async () => {
    for (const id of ["acme/private-model", "acme/does-not-exist"]) {
      const res = await get(`/api/models/${id}`);
      expect(res.status).toBe(401);
      expect(res.headers.get("x-error-code")).toBeNull();
      expect(await res.json()).toEqual({ error: "Invalid username or password." });
    }
  });

  it("with the token: private is readable, missing is 404 RepoNotFound; other tokens fail", async () => {
    expect((await info("/api/models/acme/private-model", { headers: auth() })).private).toBe(true);
    const missing = await get("/api/models/acme/does-not-exist", { headers: auth() });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-error-code")).toBe("RepoNotFound");
    const bad = await get("/api/models/acme/tiny-safetensors", { headers: { Authorization: "Bearer hf_nope" } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: "Invalid credentials in Authorization header" });
  });

  it("gated: metadata readable, download 401 GatedRepo unless authenticated", async () => {
    expect((await info("/api/models/acme/gated-model")).gated).toBe("manual");
    const res = await get("/acme/gated-model/resolve/main/model.safetensors");
    expect(res.status).toBe(401);
    expect(res.headers.get("x-error-code")).toBe("GatedRepo");
    expect(((await res.json()) as { error: string }).error).toContain("acme/gated-model is restricted");
    expect((await get("/acme/gated-model/resolve/main/model.safetensors", { headers: auth() })).status).toBe(302);
  });
});

describe("redirects and failures", () => {
  it("redirects legacy ids with a relative Location, keeping the query", async () => {
    const res = await get("/api/models/gpt2/revision/main?blobs=true");
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("/api/models/openai-community/gpt2/revision/main?blobs=true");
    expect((await info(res.headers.get("location") ?? "")).id).toBe("openai-community/gpt2");
    const dl = await get("/gpt2/resolve/main/config.json");
    expect(dl.headers.get("location")).toBe("/openai-community/gpt2/resolve/main/config.json");
  });

  it("chains loop-a → loop-b → loop-c → target, and points offsite absolutely", async () => {
    const hops: string[] = [];
    let path = "/api/models/acme/loop-a";
    for (let res = await get(path); res.status === 307; res = await get(path)) {
      path = res.headers.get("location") ?? "";
      hops.push(path);
    }
    expect(hops).toEqual(["/api/models/acme/loop-b", "/api/models/acme/loop-c", "/api/models/acme/tiny-safetensors"]);
    const off = await get("/api/models/acme/offsite");
    expect(off.headers.get("location")).toBe("http://evil.invalid/api/models/x/y");
  });

  it("rate-limits with the Hub's headers", async () => {
    const res = await get("/api/models/acme/rate-limited");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("42");
    expect(res.headers.get("ratelimit")).toBe('"api";r=0;t=42');
    expect(res.headers.get("ratelimit-policy")).toBe('"fixed window";"api";q=500;w=300');
  });

  it("setOutage affects every metadata call until cleared", async () => {
    hub.setOutage("down");
    const down = await get("/api/models/acme/tiny-safetensors");
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ error: "Service unavailable" });
    hub.setOutage("ratelimit");
    expect((await get("/api/models/acme/tiny-safetensors")).status).toBe(429);
    hub.setOutage(null);
    expect((await get("/api/models/acme/tiny-safetensors")).status).toBe(200);
  });

  it("fails, delays, and 404s as configured", async () => {
    expect((await get("/api/models/acme/failing")).status).toBe(500);
    const started = Date.now();
    expect((await info("/api/models/acme/slow")).id).toBe("acme/slow");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const entry = await get("/acme/tiny-safetensors/resolve/main/nope.bin");
    expect(entry.status).toBe(404);
    expect(entry.headers.get("x-error-code")).toBe("EntryNotFound");
    const other = await get("/nothing/here");
    expect(other.status).toBe(404);
    expect(other.headers.get("content-type")).toBe(JSON_TYPE);
  });

  it("close() does not hang on a pending slow response", async () => {
    const other = await startFakeHub({ slowDelayMs: 60_000 });
    const pending = fetch(`${other.url}/api/models/acme/slow`).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe("downloads and CDN", () => {
  it("302s LFS files to the CDN with linked headers; HEAD matches without body", async () => {
    const file = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf");
    for (const method of ["GET", "HEAD"]) {
      const res = await get("/acme/tiny-llama-GGUF/resolve/main/tiny-llama.Q4_K_M.gguf", { method });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")?.startsWith(`${hub.cdnUrl}/repos/`)).toBe(true);
      expect(res.headers.get("x-repo-commit")).toBe(file?.commit);
      expect(res.headers.get("x-linked-size")).toBe("300000");
      expect(res.headers.get("x-linked-etag")).toBe(`"${file?.sha256}"`);
      expect(res.headers.get("etag")).toBe(`"${file?.sha256}"`);
    }
    const small = await get("/acme/tiny-llama-GGUF/resolve/refs%2Fpr%2F1/README.md");
    expect(small.status).toBe(307);
    expect(small.headers.get("location")).toMatch(
      /^\/api\/resolve-cache\/models\/acme\/tiny-llama-GGUF\/[0-9a-f]{40}\/README\.md$/,
    );
    expect(small.headers.get("x-repo-commit")).not.toBe(file?.commit);
  });

  it("serves Range requests from the CDN with 206 and the right bytes, 416 past the end", async () => {
    const path = "acme/tiny-onnx";
    const full = await download(path, "onnx/model.onnx_data");
    const cdn = (await get(`/${path}/resolve/main/onnx/model.onnx_data`)).headers.get("location") ?? "";
    // Straddles the 64 KiB generator block boundary.
    const part = await get(cdn, { headers: { Range: "bytes=65500-65599" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 65500-65599/${full.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(full.subarray(65500, 65600))).toBe(true);
    const tail = await get(cdn, { headers: { Range: "bytes=249990-" } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(full.subarray(249990))).toBe(true);
    expect((await get(cdn, { headers: { Range: "bytes=999999-" } })).status).toBe(416);
  });

  it("never sees the Hub token on the CDN when the client does not forward it", async () => {
    hub.clearRequests();
    await download("acme/private-model", "private.Q4_0.gguf", auth());
    const cdnHost = new URL(hub.cdnUrl).host;
    const cdnHits = hub.requests.filter((r) => r.host === cdnHost);
    const hubHits = hub.requests.filter((r) => r.host === new URL(hub.url).host);
    expect(cdnHits).toHaveLength(1);
    expect(cdnHits[0]).toMatchObject({ method: "GET", authorization: null, status: 200 });
    expect(hubHits[0]).toMatchObject({ authorization: `Bearer ${hub.token}`, status: 302 });
  });

  it("corrupts bytes on demand (same size, different sha)", async () => {
    const good = hub.getFile("acme/tiny-metal", "model.metal.bin");
    hub.setCorrupt("acme/tiny-metal", "model.metal.bin", true);
    const bad = await download("acme/tiny-metal", "model.metal.bin");
    hub.setCorrupt("acme/tiny-metal", "model.metal.bin", false);
    expect(bad.length).toBe(good?.size);
    expect(sha256(bad)).not.toBe(good?.sha256);
    expect(sha256(await download("acme/tiny-metal", "model.metal.bin"))).toBe(good?.sha256);
  });

  it("throttles downloads to about the configured rate", async () => {
    hub.setThrottle(200_000);
    const started = Date.now();
    const bytes = await download("acme/tiny-onnx", "onnx/model_quantized.onnx"); // 80 000 bytes ≈ 0.4 s
    hub.setThrottle(null);
    expect(bytes.length).toBe(80000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("describes the 68 GB huge model without reading it all, sharing one lazy hash", async () => {
    const body = await info("/api/models/acme/huge-model?blobs=true");
    const shards = body.siblings.filter((s) => /^model-\d{5}-of-00128\.safetensors$/.test(s.rfilename));
    expect(shards).toHaveLength(128);
    expect(new Set(shards.map((s) => s.lfs?.sha256)).size).toBe(1);
    expect(shards.reduce((n, s) => n + (s.size ?? 0), 0)).toBeGreaterThan(68e9);
    const cdn = (await get("/acme/huge-model/resolve/main/model-00128-of-00128.safetensors")).headers.get("location");
    const end = await get(cdn ?? "", { headers: { Range: "bytes=536870900-" } });
    expect(end.status).toBe(206);
    expect((await end.arrayBuffer()).byteLength).toBe(12);
  });
});

describe("hostile repositories", () => {
  it("rewrites the metadata answer (a lying id) while the files stay downloadable", async () => {
    const body = await info("/api/models/hostile/lying-id/revision/main?blobs=true");
    expect(body.id).toBe("../../../../x/PWNED-id");
    expect(body.siblings.map((s) => s.rfilename)).toEqual(["model-Q4_K_M.gguf"]);
    expect((await download("hostile/lying-id", "model-Q4_K_M.gguf")).length).toBe(4096);
  });

  it("adds siblings the repository does not hold, NUL and lone surrogates intact on the wire", async () => {
    const body = await info("/api/models/hostile/nul-names?blobs=true");
    expect(body.siblings.map((s) => s.rfilename)).toContain("nul\u0000byte.Q5_0.gguf");
    expect(body.siblings.map((s) => s.rfilename)).toContain("lone\ud800surrogate.IQ4_XS.gguf");
  });

  it("declares an oversized answer's length and streams it, counting the bytes sent", async () => {
    hub.clearRequests();
    const res = await get("/api/models/hostile/huge-answer?blobs=true");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(300 * 1024 * 1024));
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(Buffer.from(first?.value ?? []).toString("utf8")).toMatch(
      /^\{"id":"hostile\/huge-answer","sha":"[0-9a-f]{40}"/,
    );
    await reader?.cancel();
    // Backpressure: a client that stops reading is handed far less than the declared body.
    const [call] = hub.requests.filter((r) => r.path.startsWith("/api/models/hostile/huge-answer?"));
    expect(call.bytes).toBeLessThan(64 * 1024 * 1024);
  });

  it("streams an oversized answer without a length, as valid JSON of exactly the size asked", async () => {
    const chunked = await get("/api/models/hostile/huge-answer-chunked");
    expect(chunked.headers.get("content-length")).toBeNull();
    await chunked.body?.cancel();

    const small = await startFakeHub({
      repos: [
        {
          id: "x/y",
          tags: [],
          createdAt: "",
          lastModified: "",
          files: [],
          oversizedMetadata: { bytes: 5000, declareLength: false },
        },
      ],
    });
    try {
      const body = Buffer.from(await (await fetch(`${small.url}/api/models/x/y`)).arrayBuffer());
      expect(body.length).toBe(5000);
      const parsed = JSON.parse(body.toString("utf8")) as ModelInfo;
      expect(parsed.id).toBe("x/y");
      expect(parsed.siblings.length).toBeGreaterThan(100);
    } finally {
      await small.close();
    }
  });
});
