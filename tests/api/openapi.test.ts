import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { GET as getOpenApi } from "@/app/api/openapi.json/route";
import {
  modelDetailSchema,
  modelHistorySchema,
  modelListSchema,
  modelSyncListSchema,
  nodeOverviewSchema,
  nodesOverviewSchema,
  promoteResponseSchema,
  registerResponseSchema,
  rolloutProgressSchema,
  v1ListSchema,
  v1ModelSchema,
} from "@/lib/api/model-schemas";
import { announceNodeResponseSchema, manifestSchema, syncResponseSchema } from "@/lib/api/node-schemas";
import { apiErrorSchema, apiKeyListSchema, createdApiKeySchema, openAiErrorSchema } from "@/lib/api/schemas";
import { adminKey, startHubForFile } from "../helpers/env";
import { callApi, callJson } from "../helpers/routes";

const hub = startHubForFile();

// Route files that are not part of the documented JSON API, and why.
const undocumented: Record<string, string> = {
  "/api/auth/{nextauth}": "next-auth's own sign-in endpoints for the console",
  "/api/{slug}": "the JSON 404 for unknown API paths",
  "/v1/{slug}": "the OpenAI-shaped 404 for unknown /v1 paths",
};

function listRouteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return listRouteFiles(full);
    return entry === "route.ts" ? [full] : [];
  });
}

function toApiPath(file: string): string {
  const rel = path.relative(path.resolve("app"), path.dirname(file));
  const segments = rel
    .split(path.sep)
    .filter((s) => !/^\(.*\)$/.test(s))
    .map((s) => s.replace(/^\[(?:\.\.\.)?(.+)\]$/, "{$1}"));
  const p = `/${segments.join("/")}`;
  return p === "/api/models/registry/{path}" ? "/api/models/registry/{name}/manifest.json" : p;
}

const verbs = ["GET", "POST", "PATCH", "DELETE"] as const;

/** The model route's own table of what its path and each action below it take (`allowed` in its file). */
function modelRouteTable(): Record<string, string[]> {
  const text = readFileSync(path.resolve("app/api/models/[...name]/route.ts"), "utf8");
  const block = text.match(/const allowed\b[^{]*\{([^}]*)\}/)?.[1] ?? "";
  return Object.fromEntries(
    [...block.matchAll(/(\w+): "([A-Z, ]+)"/g)].map(([, action, methods]) => [
      action === "model" ? "/api/models/{name}" : `/api/models/{name}/${action}`,
      methods.toLowerCase().split(", ").sort(),
    ]),
  );
}

function exportedMethods(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const methods = new Set<string>();
  for (const m of text.matchAll(/export (?:const|async function|function) (GET|POST|PUT|DELETE|PATCH)\b/g))
    methods.add(m[1]);
  for (const m of text.matchAll(/as (GET|POST|PUT|DELETE|PATCH)\b/g)) methods.add(m[1]);
  return [...methods].map((m) => m.toLowerCase());
}

describe("GET /api/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const res = await getOpenApi();
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
  });

  it("documents every route file and every method it exports", async () => {
    const doc = await (await getOpenApi()).json();
    const files = listRouteFiles(path.resolve("app"));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const apiPath = toApiPath(file);
      if (undocumented[apiPath]) continue;
      expect(doc.paths, `${file} → ${apiPath}`).toHaveProperty([apiPath]);
      // A model's catch-all route also answers its actions (…/check, …/history).
      const actionPaths = Object.keys(doc.paths).filter(
        (p) => apiPath === "/api/models/{name}" && p.startsWith(`${apiPath}/`),
      );
      for (const method of exportedMethods(file)) {
        const documented = [apiPath, ...actionPaths].filter((p) => method in doc.paths[p]);
        expect(documented, `${method.toUpperCase()} ${apiPath}`).not.toEqual([]);
      }
    }
  });

  it("documents each artifact's git blob id, which a manifest from an older server may lack", async () => {
    const doc = await (await getOpenApi()).json();
    const manifest = doc.paths["/api/models/registry/{name}/manifest.json"].get.responses["200"];
    const artifact = manifest.content["application/json"].schema.properties.artifacts.items;
    expect(artifact.properties.blob_id).toBeDefined();
    expect(artifact.required).not.toContain("blob_id");
    const older = {
      model: "hf/acme/x",
      repo: "acme/x",
      revision: "main",
      commit: "c".repeat(40),
      size_bytes: 1,
      variants: [],
      artifacts: [
        { filename: "a.gguf", format: "gguf", size_bytes: 1, sha256: null, url: "u", variant: null, role: "aux" },
      ],
    };
    expect(manifestSchema.parse(older).artifacts[0].blob_id).toBeUndefined();
  });

  it("documents every action below a model with exactly the methods it takes, which its 405 names", async () => {
    const doc = await (await getOpenApi()).json();
    const table = modelRouteTable();
    expect(Object.keys(table)).toEqual(
      expect.arrayContaining([
        "/api/models/{name}/update",
        "/api/models/{name}/rollout",
        "/api/models/{name}/candidate",
      ]),
    );
    const documented = Object.fromEntries(
      Object.keys(doc.paths)
        .filter((p) => p === "/api/models/{name}" || /^\/api\/models\/\{name\}\/[^/]+$/.test(p))
        .map((p) => [p, Object.keys(doc.paths[p]).sort()]),
    );
    expect(documented).toEqual(table);
    for (const [apiPath, taken] of Object.entries(table)) {
      const wrong = verbs.find((v) => !taken.includes(v.toLowerCase())) ?? "GET";
      const res = await callApi(wrong, apiPath.replace("{name}", "hf/acme/x"), { key: adminKey });
      expect(res.status, `${wrong} ${apiPath}`).toBe(405);
      expect(res.headers.get("allow")?.toLowerCase().split(", ").sort(), apiPath).toEqual(taken);
    }
  });

  it("matches what the rollout steps really answer", async () => {
    const reg = await callJson("POST", "/api/models/register", { key: adminKey, json: { repo: "acme/tiny-metal" } });
    const { name, commit } = reg.body.model;
    const key = (await callJson("POST", "/api/keys", { key: adminKey, json: { name: "ro", scope: "node" } })).body.key;
    const node = await callJson("POST", "/api/nodes", { key, json: { name: "ro-1", formats: ["metal"] } });
    let seq = 0;
    const sync = (body: object) =>
      callJson("PUT", `/api/nodes/${node.body.id}/sync`, {
        key,
        json: { protocol: 2, session: "openapi-rollout-session", seq: ++seq, models: [], ...body },
      });
    syncResponseSchema.parse(
      (await sync({ full: true, models: [{ name, commit, state: "ready", variant: "metal" }] })).body,
    );
    hub().push("acme/tiny-metal", { write: [{ path: "README.md", kind: "text", content: "# moved\n" }] });

    const staged = modelDetailSchema.parse(
      (await callJson("POST", `/api/models/${name}/update`, { key: adminKey })).body,
    );
    const head = staged.rollout.candidate?.commit;
    expect(head).toBeDefined();
    const progress = rolloutProgressSchema.parse(
      (await callJson("GET", `/api/models/${name}/rollout`, { key: adminKey })).body,
    );
    expect(progress.nodes.filter((n) => n.holds_back).map((n) => n.node)).toEqual(["ro-1"]);
    // Refused while ro-1 lacks it: the documented 409, naming the node in error.not_ready.
    const refused = await callJson("POST", `/api/models/${name}/promote`, { key: adminKey });
    expect(refused.status).toBe(409);
    expect(apiErrorSchema.parse(refused.body).error.not_ready).toEqual(["ro-1"]);
    const promoted = await callJson("POST", `/api/models/${name}/promote`, { key: adminKey, json: { force: true } });
    expect(promoteResponseSchema.parse(promoted.body)).toMatchObject({ commit: head, not_ready: ["ro-1"] });
    // ro-1 still holds the old commit: the rollback is immediate.
    const back = modelDetailSchema.parse(
      (await callJson("POST", `/api/models/${name}/rollback`, { key: adminKey })).body,
    );
    expect(back).toMatchObject({ commit, rollout: { candidate: null, previous: { commit: head } } });

    // Staged again (the optional body), reported by commit, dropped with removed_commits once cancelled.
    const again = await callJson("POST", `/api/models/${name}/update`, { key: adminKey, json: { commit: head } });
    expect(modelDetailSchema.parse(again.body).rollout.candidate?.commit).toBe(head);
    const downloading = { name, commit: head, state: "downloading", bytes_done: 1, bytes_total: 2 };
    syncResponseSchema.parse((await sync({ models: [downloading] })).body);
    const cancelled = await callJson("DELETE", `/api/models/${name}/candidate`, { key: adminKey });
    expect(modelDetailSchema.parse(cancelled.body).rollout.candidate).toBeNull();
    syncResponseSchema.parse((await sync({ removed_commits: [{ name, commit: head }] })).body);
    const none = await callJson("DELETE", `/api/models/${name}/candidate`, { key: adminKey });
    expect(none.status).toBe(409);
    apiErrorSchema.parse(none.body);
  });

  it("matches what the handlers really answer", async () => {
    const reg = await callJson("POST", "/api/models/register", {
      key: adminKey,
      json: { repo: "acme/tiny-llama-GGUF" },
    });
    registerResponseSchema.parse(reg.body);
    modelListSchema.parse((await callJson("GET", "/api/models", { key: adminKey })).body);
    modelDetailSchema.parse((await callJson("GET", `/api/models/${reg.body.name}`, { key: adminKey })).body);
    modelDetailSchema.parse((await callJson("POST", `/api/models/${reg.body.name}/check`, { key: adminKey })).body);
    modelHistorySchema.parse((await callJson("GET", `/api/models/${reg.body.name}/history`, { key: adminKey })).body);
    manifestSchema.parse(
      (await callJson("GET", `/api/models/registry/${reg.body.name}/manifest.json`, { key: adminKey })).body,
    );
    v1ListSchema.parse((await callJson("GET", "/v1/models", { key: adminKey })).body);
    v1ModelSchema.parse((await callJson("GET", `/v1/models/${reg.body.name}`, { key: adminKey })).body);
    const key = await callJson("POST", "/api/keys", { key: adminKey, json: { name: "n", scope: "node" } });
    createdApiKeySchema.parse(key.body);
    apiKeyListSchema.parse((await callJson("GET", "/api/keys", { key: adminKey })).body);
    const node = await callJson("POST", "/api/nodes", { key: key.body.key, json: { name: "n1", formats: ["gguf"] } });
    announceNodeResponseSchema.parse(node.body);
    const synced = await callJson("PUT", `/api/nodes/${node.body.id}/sync`, {
      key: key.body.key,
      json: { models: [{ name: reg.body.name, state: "downloading", bytes_done: 1, bytes_total: 2 }] },
    });
    syncResponseSchema.parse(synced.body);
    nodesOverviewSchema.parse((await callJson("GET", "/api/nodes", { key: adminKey })).body);
    const oneModel = await callJson("GET", `/api/nodes?model=${encodeURIComponent(reg.body.name)}`, { key: adminKey });
    expect(nodesOverviewSchema.parse(oneModel.body).nodes[0].models).toHaveLength(1);
    nodesOverviewSchema.parse((await callJson("GET", "/api/nodes?summary=true", { key: adminKey })).body);
    nodeOverviewSchema.parse((await callJson("GET", `/api/nodes/${node.body.id}`, { key: adminKey })).body);
    modelSyncListSchema.parse((await callJson("GET", "/api/models/sync", { key: adminKey })).body);
    const oneSync = await callJson("GET", `/api/models/sync?model=${encodeURIComponent(reg.body.name)}`, {
      key: adminKey,
    });
    expect(modelSyncListSchema.parse(oneSync.body).models).toHaveLength(1);
    apiErrorSchema.parse((await callJson("GET", "/api/models/sync?model=hf/x/y", { key: adminKey })).body);
    apiErrorSchema.parse((await callJson("GET", "/api/nodes?model=hf/x/y", { key: adminKey })).body);
    apiErrorSchema.parse((await callJson("GET", "/api/models/hf/x/y", { key: adminKey })).body);
    openAiErrorSchema.parse((await callJson("GET", "/v1/models/hf/x/y", { key: adminKey })).body);
  });
});
