// Typed calls of the model commands over the public API. Each returns the parsed
// answer (validated by the shared zod schemas) and the body exactly as the server
// sent it, which is what `--json` prints.
import { z } from "zod";
import {
  fitReportSchema,
  type ModelDetail,
  modelDetailSchema,
  modelHistorySchema,
  nodeOverviewSchema,
  promoteResponseSchema,
  registerResponseSchema,
  rolloutProgressSchema,
  v1ListSchema,
  v1ModelSchema,
} from "../../lib/api/model-schemas";
import { type ApiClient, ApiClientError, type ApiResponse, parseBody } from "./api-client";

export interface Typed<T> {
  data: T;
  /** The JSON body as received (unknown fields included). */
  body: unknown;
}

export interface RegisterInput {
  repo: string;
  filename?: string;
  display_name?: string;
  follow?: ModelDetail["follow"];
}

/**
 * `GET /api/nodes` as the CLI reads it. Servers from before `models_downloading` and
 * `models_error` do not send them; the CLI never reads them (--json prints the body as
 * sent), so they default to 0 and a newer CLI still works against such a server.
 */
const nodesAnswerSchema = z.object({
  nodes: z.array(
    nodeOverviewSchema.extend({
      models_downloading: nodeOverviewSchema.shape.models_downloading.default(0),
      models_error: nodeOverviewSchema.shape.models_error.default(0),
    }),
  ),
});

/** `hf/acme/x/a b.gguf` → `hf/acme/x/a%20b.gguf`: segments keep the path readable in logs and proxies. */
export const modelPath = (name: string) => name.split("/").map(encodeURIComponent).join("/");

/**
 * Reads are repeated through a short 503 (the server's database restarting): two
 * retries after its Retry-After. Writes are not: the outcome of the first is unknown.
 */
const retryUnavailable = 2;

function typed<T extends z.ZodType>(res: ApiResponse, schema: T): Typed<z.infer<T>> {
  return { data: parseBody(res, schema), body: JSON.parse(res.text) };
}

export class ModelApi {
  constructor(private readonly api: ApiClient) {}

  get baseUrl(): string {
    return this.api.baseUrl;
  }

  async register(input: RegisterInput) {
    // Registration waits on the Hub (10 s timeout server-side): leave room for it.
    const res = await this.api.request("/api/models/register", { method: "POST", body: input, timeoutMs: 60_000 });
    return typed(res, registerResponseSchema);
  }

  async list() {
    return typed(await this.api.request("/v1/models", { retryUnavailable }), v1ListSchema);
  }

  async get(name: string) {
    return typed(await this.api.request(`/api/models/${modelPath(name)}`, { retryUnavailable }), modelDetailSchema);
  }

  async getV1(name: string, signal?: AbortSignal) {
    return typed(await this.api.request(`/v1/models/${modelPath(name)}`, { signal, retryUnavailable }), v1ModelSchema);
  }

  /**
   * Every node; with `model`, each node's `models` holds only that model's entry (404 once
   * it is deleted), which is all `--wait-ready` and `model show` read, at a fraction of the bytes.
   */
  async nodes(model?: string, signal?: AbortSignal) {
    const query = model === undefined ? "" : `?model=${encodeURIComponent(model)}`;
    return typed(await this.api.request(`/api/nodes${query}`, { signal, retryUnavailable }), nodesAnswerSchema);
  }

  /** Ask the Hub now whether the revision moved (admin); the Hub call can take the server's 10 s timeout. */
  async check(name: string) {
    const res = await this.api.request(`/api/models/${modelPath(name)}/check`, { method: "POST", timeoutMs: 60_000 });
    return typed(res, modelDetailSchema);
  }

  async setFollow(name: string, follow: ModelDetail["follow"]) {
    const res = await this.api.request(`/api/models/${modelPath(name)}`, { method: "PATCH", body: { follow } });
    return typed(res, modelDetailSchema);
  }

  async history(name: string) {
    const res = await this.api.request(`/api/models/${modelPath(name)}/history`, { retryUnavailable });
    return typed(res, modelHistorySchema);
  }

  /** Stage `commit` (default: upstream's head, which the server checks first) as the candidate (admin). */
  async stage(name: string, commit?: string) {
    const res = await this.api.request(`/api/models/${modelPath(name)}/update`, {
      method: "POST",
      body: commit ? { commit } : {},
      timeoutMs: 60_000,
    });
    return typed(res, modelDetailSchema);
  }

  async rollout(name: string) {
    const res = await this.api.request(`/api/models/${modelPath(name)}/rollout`, { retryUnavailable });
    return typed(res, rolloutProgressSchema);
  }

  /**
   * Where the model fits on the online nodes at `context` tokens (default: the model's, at
   * most 8k); null from a server before fit (it answers 404 for a model it has).
   */
  async fit(name: string, context?: number) {
    const query = context === undefined ? "" : `?context=${context}`;
    try {
      const res = await this.api.request(`/api/models/${modelPath(name)}/fit${query}`, { retryUnavailable });
      return typed(res, fitReportSchema);
    } catch (err) {
      if (err instanceof ApiClientError && err.status === 404) return null;
      throw err;
    }
  }

  async promote(name: string, force: boolean) {
    const res = await this.api.request(`/api/models/${modelPath(name)}/promote`, {
      method: "POST",
      body: force ? { force: true } : {},
    });
    return typed(res, promoteResponseSchema);
  }

  async rollback(name: string) {
    const res = await this.api.request(`/api/models/${modelPath(name)}/rollback`, { method: "POST" });
    return typed(res, modelDetailSchema);
  }

  async cancel(name: string) {
    const res = await this.api.request(`/api/models/${modelPath(name)}/candidate`, { method: "DELETE" });
    return typed(res, modelDetailSchema);
  }

  async remove(name: string): Promise<void> {
    await this.api.request(`/api/models/${modelPath(name)}`, { method: "DELETE" });
  }
}
