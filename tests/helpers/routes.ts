// Calls the app's route handlers as functions, routed by path like Next does, so
// API tests run in-process against the real handlers, database and fake hub.
import * as activityRoute from "@/app/api/activity/route";
import * as hfHookRoute from "@/app/api/hooks/huggingface/route";
import * as keyRoute from "@/app/api/keys/[id]/route";
import * as keysRoute from "@/app/api/keys/route";
import * as modelRoute from "@/app/api/models/[...name]/route";
import * as registerRoute from "@/app/api/models/register/route";
import * as manifestRoute from "@/app/api/models/registry/[...path]/route";
import * as modelsRoute from "@/app/api/models/route";
import * as modelSyncRoute from "@/app/api/models/sync/route";
import * as nodeRoute from "@/app/api/nodes/[id]/route";
import * as nodeSyncRoute from "@/app/api/nodes/[id]/sync/route";
import * as nodesRoute from "@/app/api/nodes/route";
import * as metricsRoute from "@/app/metrics/route";
import * as v1ModelRoute from "@/app/v1/models/[...name]/route";
import * as v1ModelsRoute from "@/app/v1/models/route";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Handler = (req: Request, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>;
type RouteModule = Partial<Record<Method, unknown>>;

const segments = (s: string) => s.split("/").map(decodeURIComponent);

const table: [RegExp, RouteModule, (m: RegExpMatchArray) => Record<string, unknown>][] = [
  [/^\/api\/models\/register$/, registerRoute, () => ({})],
  [/^\/api\/hooks\/huggingface$/, hfHookRoute, () => ({})],
  [/^\/api\/models\/registry\/(.+)$/, manifestRoute, (m) => ({ path: segments(m[1]) })],
  [/^\/api\/models$/, modelsRoute, () => ({})],
  [/^\/api\/models\/sync$/, modelSyncRoute, () => ({})],
  [/^\/api\/models\/(.+)$/, modelRoute, (m) => ({ name: segments(m[1]) })],
  [/^\/v1\/models$/, v1ModelsRoute, () => ({})],
  [/^\/v1\/models\/(.+)$/, v1ModelRoute, (m) => ({ name: segments(m[1]) })],
  [/^\/api\/keys$/, keysRoute, () => ({})],
  [/^\/api\/activity$/, activityRoute, () => ({})],
  [/^\/api\/nodes$/, nodesRoute, () => ({})],
  [/^\/api\/nodes\/([^/]+)\/sync$/, nodeSyncRoute, (m) => ({ id: decodeURIComponent(m[1]) })],
  [/^\/api\/nodes\/([^/]+)$/, nodeRoute, (m) => ({ id: decodeURIComponent(m[1]) })],
  [/^\/api\/keys\/([^/]+)$/, keyRoute, (m) => ({ id: decodeURIComponent(m[1]) })],
  [/^\/metrics$/, metricsRoute, () => ({})],
];

export interface CallOptions {
  key?: string | null;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
}

/** Route a Request to its handler like Next does; an unknown route or method throws (a test bug). */
export async function dispatch(req: Request): Promise<Response> {
  const pathname = new URL(req.url).pathname;
  for (const [pattern, mod, toParams] of table) {
    const match = pathname.match(pattern);
    if (!match) continue;
    const handler = mod[req.method as Method] as Handler | undefined;
    if (!handler) throw new Error(`${req.method} ${pathname} has no handler`);
    return handler(req, { params: Promise.resolve(toParams(match)) });
  }
  throw new Error(`no route for ${pathname}`);
}

/** Call `method path` on the real route handlers. */
export async function callApi(method: Method, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers = new Headers(opts.headers);
  if (opts.key) headers.set("authorization", `Bearer ${opts.key}`);
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers.set("content-type", "application/json");
    // As every HTTP client sends it with a body of known size.
    if (!headers.has("content-length")) headers.set("content-length", String(Buffer.byteLength(body)));
  }
  return dispatch(new Request(`http://localhost${path}`, { method, headers, body }));
}

/** Call and parse JSON (null for empty bodies). */
export async function callJson<T = any>(method: Method, path: string, opts: CallOptions = {}) {
  const res = await callApi(method, path, opts);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
}
