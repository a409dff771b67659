// The llmlb server's real route handlers and database behind a plain node:http
// server, so the agent's loops can be tested in-process without a production build.
// Only the transport is test code: announce, sync, long-poll, manifests and
// registration are the real implementations.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SyncBody } from "@/lib/api/node-schemas";
import { callJson, dispatch } from "./routes";

export interface LlmlbTestServer {
  url: string;
  /** A node key. */
  apiKey: string;
  /** Accepted as an admin key (LLMLB_ADMIN_KEY). */
  adminKey: string;
  createKey(scope: "admin" | "node" | "reader"): Promise<string>;
  /** Announcement bodies, in order, with the id the server gave. */
  announces: { id: string; body: unknown }[];
  /**
   * Per node name, the state its heartbeats told the server: a full list (an agent of
   * before deltas, or a full one) replaces it, a delta the server took changes it.
   */
  syncs: Map<string, SyncBody>;
  /** How many heartbeats the server accepted from a node. */
  syncCount(node: string): number;
  register(repo: string, opts?: { filename?: string; quant?: string }): Promise<string>;
  remove(name: string): Promise<void>;
  forgetNodes(): Promise<void>;
  /** Every request fails at the socket level while down (a restarting server). */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

const adminKey = "agent-loop-admin-key";

export async function startLlmlbServer(hubUrl: string): Promise<LlmlbTestServer> {
  process.env.HF_ENDPOINT = hubUrl;
  process.env.LLMLB_ADMIN_KEY = adminKey;
  delete process.env.HF_TOKEN;
  await resetRegistry();
  const created = await callJson("POST", "/api/keys", { key: adminKey, json: { name: "agent", scope: "node" } });
  const apiKey: string = created.body.key;
  const announces: LlmlbTestServer["announces"] = [];
  const syncs = new Map<string, SyncBody>();
  const nodeNames = new Map<string, string>();
  const syncCounts = new Map<string, number>();
  let down = false;

  const server: Server = createServer(async (req, res) => {
    if (down) return req.socket.destroy();
    const abort = new AbortController();
    res.once("close", () => abort.abort());
    try {
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body,
        signal: abort.signal,
      });
      const response = await dispatch(request);
      const text = await response.text();
      record(req, body, response.status, text);
      if (res.destroyed) return;
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(text);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "internal_error", message: String(error) } }));
    }
  });

  function record(req: IncomingMessage, body: string | undefined, status: number, text: string) {
    if (status >= 300 || !body) return;
    if (req.method === "POST" && req.url === "/api/nodes") {
      const parsed = JSON.parse(body);
      const { id } = JSON.parse(text);
      nodeNames.set(id, parsed.name);
      announces.push({ id, body: parsed });
    }
    const sync = /^\/api\/nodes\/([^/]+)\/sync$/.exec(req.url ?? "");
    if (req.method === "PUT" && sync) {
      const name = nodeNames.get(sync[1]);
      if (name) {
        const held = applySync(syncs.get(name), JSON.parse(body), JSON.parse(text));
        if (held) syncs.set(name, held);
        syncCounts.set(name, (syncCounts.get(name) ?? 0) + 1);
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiKey,
    adminKey,
    async createKey(scope) {
      const res = await callJson("POST", "/api/keys", { key: adminKey, json: { name: `test ${scope}`, scope } });
      if (res.status !== 201) throw new Error(`create key: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.key;
    },
    announces,
    syncs,
    syncCount: (node) => syncCounts.get(node) ?? 0,
    async register(repo, opts = {}) {
      const input = opts.quant ? `${repo}:${opts.quant}` : repo;
      const res = await callJson("POST", "/api/models/register", {
        key: adminKey,
        json: { repo: input, filename: opts.filename },
      });
      if (res.status !== 201) throw new Error(`register ${input}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.name;
    },
    async remove(name) {
      const res = await callJson("DELETE", `/api/models/${encodeURIComponent(name)}`, { key: adminKey });
      if (res.status !== 204) throw new Error(`delete ${name}: ${res.status}`);
    },
    async forgetNodes() {
      const { body } = await callJson("GET", "/api/nodes", { key: adminKey });
      for (const n of body.nodes) await callJson("DELETE", `/api/nodes/${n.id}`, { key: adminKey });
    },
    setDown(value) {
      down = value;
      if (down) server.closeAllConnections();
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Each test starts from an empty registry and no nodes (the database is per file). */
async function resetRegistry(): Promise<void> {
  const { body: listing } = await callJson("GET", "/api/models", { key: adminKey });
  for (const m of listing.models)
    await callJson("DELETE", `/api/models/${encodeURIComponent(m.name)}`, { key: adminKey });
  const { body: nodes } = await callJson("GET", "/api/nodes", { key: adminKey });
  for (const n of nodes.nodes) await callJson("DELETE", `/api/nodes/${n.id}`, { key: adminKey });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The node's state after one accepted heartbeat, as the delta protocol defines it. */
function applySync(held: SyncBody | undefined, body: SyncBody, answer: { snapshot?: boolean }): SyncBody | null {
  if (body.protocol !== 2 || body.full) return body;
  if (answer.snapshot) return null;
  const models = new Map((held?.models ?? []).map((m) => [m.name, m]));
  for (const name of body.removed ?? []) models.delete(name);
  for (const m of body.models) models.set(m.name, m);
  return { ...body, models: [...models.values()] };
}
