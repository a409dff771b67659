import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { nodeModelStates, nodes } from "@/lib/db/schema";
import { adminKey, startHubForFile } from "../helpers/env";
import { callApi, callJson } from "../helpers/routes";

const hub = startHubForFile();

async function registerFixtures() {
  for (const repo of ["acme/tiny-llama-GGUF", "acme/tiny-safetensors", "acme/tiny-llama-GGUF:Q4_K_M"]) {
    const res = await callJson("POST", "/api/models/register", { key: adminKey, json: { repo } });
    expect(res.status).toBe(201);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe("listings, manifests and deletion", () => {
  it("GET /api/models lists registrations with an ETag that answers 304 until the registry changes", async () => {
    const empty = await callJson("GET", "/api/models", { key: adminKey });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ models: [] });
    const etag0 = empty.headers.get("etag");
    expect(etag0).toMatch(/^".+"$/);

    await registerFixtures();
    const full = await callJson("GET", "/api/models", { key: adminKey, headers: { "if-none-match": etag0 ?? "" } });
    expect(full.status).toBe(200);
    expect(full.body.models.map((m: { name: string }) => m.name)).toEqual([
      "hf/acme/tiny-llama-GGUF",
      "hf/acme/tiny-safetensors",
      "hf/acme/tiny-llama-GGUF/tiny-llama.Q4_K_M.gguf",
    ]);
    const entry = full.body.models[0];
    expect(Object.keys(entry)).toEqual(
      expect.arrayContaining([
        "name",
        "repo",
        "filename",
        "source",
        "revision",
        "commit",
        "size_bytes",
        "manifest_url",
        "created_at",
      ]),
    );
    expect(entry.manifest_url).toBe("/api/models/registry/hf/acme/tiny-llama-GGUF/manifest.json");

    const etag1 = full.headers.get("etag") ?? "";
    expect(etag1).not.toBe(etag0);
    const notModified = await callApi("GET", "/api/models", { key: adminKey, headers: { "if-none-match": etag1 } });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe("");
  });

  it("serves the manifest pinned to the commit, by path segments or %2F-encoded, without calling the Hub", async () => {
    hub().clearRequests();
    const bySegments = await callJson("GET", "/api/models/registry/hf/acme/tiny-safetensors/manifest.json", {
      key: adminKey,
    });
    expect(bySegments.status).toBe(200);
    const encoded = await callJson("GET", "/api/models/registry/hf%2Facme%2Ftiny-safetensors/manifest.json", {
      key: adminKey,
    });
    expect(encoded.body).toEqual(bySegments.body);
    const allEncoded = await callJson("GET", "/api/models/registry/hf%2Facme%2Ftiny-safetensors%2Fmanifest.json", {
      key: adminKey,
    });
    expect(allEncoded.body).toEqual(bySegments.body);
    const m = bySegments.body;
    expect(m.model).toBe("hf/acme/tiny-safetensors");
    expect(m.repo).toBe("acme/tiny-safetensors");
    expect(m.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(m.variants).toHaveLength(1);
    expect(m.variants[0]).toMatchObject({ name: "safetensors", complete: true });
    const files = m.artifacts.map((a: { filename: string; role: string }) => `${a.filename}:${a.role}`);
    expect(files).toEqual(
      expect.arrayContaining(["model.safetensors:weights", "config.json:config", "tokenizer.json:tokenizer"]),
    );
    for (const a of m.artifacts)
      expect(a.url).toBe(`${hub().url}/acme/tiny-safetensors/resolve/${m.commit}/${a.filename}`);
    const weights = m.artifacts.find((a: { filename: string }) => a.filename === "model.safetensors");
    expect(weights.sha256).toBe(hub().getFile("acme/tiny-safetensors", "model.safetensors")?.sha256);
    expect(m.artifacts.find((a: { filename: string }) => a.filename === "config.json").sha256).toBeNull();

    const single = await callJson(
      "GET",
      "/api/models/registry/hf/acme/tiny-llama-GGUF/tiny-llama.Q4_K_M.gguf/manifest.json",
      { key: adminKey },
    );
    expect(single.body.artifacts.map((a: { filename: string }) => a.filename)).toEqual(["tiny-llama.Q4_K_M.gguf"]);
    expect(hub().requests).toHaveLength(0);

    // Files without a sha256 carry the git blob id the Hub reports, which a node can check.
    for (const name of ["config.json", "tokenizer.json"]) {
      const artifact = m.artifacts.find((a: { filename: string }) => a.filename === name);
      const bytes = Buffer.from(await (await fetch(artifact.url)).arrayBuffer());
      const blobId = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
      expect(artifact.blob_id).toBe(blobId);
    }
    expect(weights.blob_id).toMatch(/^[0-9a-f]{40}$/);
    const detail = await callJson("GET", "/api/models/hf/acme/tiny-safetensors", { key: adminKey });
    expect(detail.body.artifacts).toEqual(m.artifacts);

    const missing = await callJson("GET", "/api/models/registry/hf/acme/nope/manifest.json", { key: adminKey });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("model_not_found");
  });

  it("never hands out a user name or password from HF_ENDPOINT in a download URL", async () => {
    const endpoint = new URL(hub().url);
    endpoint.username = "mirror-user";
    endpoint.password = "mirror-pass-s3cret";
    vi.stubEnv("HF_ENDPOINT", endpoint.href);
    try {
      const manifest = await callJson("GET", "/api/models/registry/hf/acme/tiny-safetensors/manifest.json", {
        key: adminKey,
      });
      const detail = await callJson("GET", "/api/models/hf/acme/tiny-safetensors", { key: adminKey });
      const urls = [...manifest.body.artifacts, ...detail.body.artifacts].map((a: { url: string }) => a.url);
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) expect(url).toContain(`${hub().url}/acme/tiny-safetensors/resolve/`);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("GET /v1/models lists every model in OpenAI's shape with ready false until a node reports", async () => {
    const res = await callJson("GET", "/v1/models", { key: adminKey });
    expect(res.status).toBe(200);
    expect(res.body.object).toBe("list");
    expect(res.body.data).toHaveLength(3);
    const m = res.body.data.find((d: { id: string }) => d.id === "hf/acme/tiny-safetensors");
    expect(m).toMatchObject({
      object: "model",
      owned_by: "acme",
      ready: false,
      source: "hf",
      repo: "acme/tiny-safetensors",
      filename: null,
      revision: "main",
      formats: ["safetensors"],
      sync: { state: "registered", ready_nodes: 0, nodes: 0 },
    });
    expect(m.created).toBeGreaterThan(1_700_000_000);
    expect(m.created).toBeLessThan(Date.now() / 1000 + 1);
    expect(m.commit).toMatch(/^[0-9a-f]{40}$/);

    const one = await callJson("GET", "/v1/models/hf%2Facme%2Ftiny-safetensors", { key: adminKey });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(m);
    const bySegments = await callJson("GET", "/v1/models/hf/acme/TINY-safetensors", { key: adminKey });
    expect(bySegments.body.id).toBe("hf/acme/tiny-safetensors");

    const missing = await callJson("GET", "/v1/models/hf/acme/nope", { key: adminKey });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: {
        message: expect.stringContaining("hf/acme/nope"),
        type: "invalid_request_error",
        param: null,
        code: "model_not_found",
      },
    });
  });

  it("ready follows online nodes in the node-state table", async () => {
    const { db } = await getDb();
    const model = (await callJson("GET", "/api/models/hf/acme/tiny-safetensors", { key: adminKey })).body;
    const [row] = await db
      .execute<{ id: string }>(sql`select id::text from models where name = ${model.name}`)
      .then((r) => (Array.isArray(r) ? r : (r as unknown as { rows: { id: string }[] }).rows));
    const [online] = await db.insert(nodes).values({ name: "gpu-1", lastSeenAt: new Date() }).returning();
    const [offline] = await db
      .insert(nodes)
      .values({ name: "gpu-2", lastSeenAt: new Date(Date.now() - 20_000) })
      .returning();
    const ready = async () => (await callJson("GET", "/v1/models/hf/acme/tiny-safetensors", { key: adminKey })).body;

    await db
      .insert(nodeModelStates)
      .values({ nodeId: offline.id, modelId: row.id, state: "ready", variant: "safetensors" });
    await bumpSync();
    expect((await ready()).ready).toBe(false);

    await db
      .insert(nodeModelStates)
      .values({ nodeId: online.id, modelId: row.id, state: "downloading", bytesDone: 10, bytesTotal: 100 });
    await bumpSync();
    expect(await ready()).toMatchObject({ ready: false, sync: { state: "syncing", ready_nodes: 0, nodes: 1 } });

    await db.update(nodeModelStates).set({ state: "ready" }).where(sql`node_id = ${online.id}`);
    await bumpSync();
    expect(await ready()).toMatchObject({ ready: true, sync: { state: "ready", ready_nodes: 1, nodes: 1 } });
    const list = (await callJson("GET", "/v1/models", { key: adminKey })).body.data;
    expect(list.find((d: { id: string }) => d.id === model.name).ready).toBe(true);

    // The node stops heartbeating: no write happens, yet the listing turns not-ready.
    await db
      .update(nodes)
      .set({ lastSeenAt: new Date(Date.now() - 16_000) })
      .where(sql`id = ${online.id}`);
    await settle();
    const later = (await callJson("GET", "/v1/models", { key: adminKey })).body.data;
    expect(later.find((d: { id: string }) => d.id === model.name)).toMatchObject({
      ready: false,
      sync: { state: "registered" },
    });

    // These writes bypass the server, as another instance's would: give the
    // fingerprint the server shares for 250 ms time to be read again.
    async function bumpSync() {
      await db.execute(sql`update registry_state set sync_version = sync_version + 1 where id = 1`);
      await settle();
    }
  });

  it("DELETE removes a model from every listing at once", async () => {
    const del = await callApi("DELETE", "/api/models/hf%2Facme%2Ftiny-safetensors", { key: adminKey });
    expect(del.status).toBe(204);
    const api = (await callJson("GET", "/api/models", { key: adminKey })).body.models.map(
      (m: { name: string }) => m.name,
    );
    expect(api).not.toContain("hf/acme/tiny-safetensors");
    const v1 = (await callJson("GET", "/v1/models", { key: adminKey })).body.data.map((m: { id: string }) => m.id);
    expect(v1).not.toContain("hf/acme/tiny-safetensors");
    const manifest = await callJson("GET", "/api/models/registry/hf/acme/tiny-safetensors/manifest.json", {
      key: adminKey,
    });
    expect(manifest.status).toBe(404);
    const again = await callJson("DELETE", "/api/models/hf/acme/tiny-safetensors", { key: adminKey });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("model_not_found");

    const byPath = await callApi("DELETE", "/api/models/hf/acme/tiny-llama-GGUF/tiny-llama.Q4_K_M.gguf", {
      key: adminKey,
    });
    expect(byPath.status).toBe(204);
    const left = (await callJson("GET", "/api/models", { key: adminKey })).body.models.map(
      (m: { name: string }) => m.name,
    );
    expect(left).toEqual(["hf/acme/tiny-llama-GGUF"]);
  });
});
