// startFakeHub: two real HTTP servers on 127.0.0.1, the Hub origin and the LFS CDN
// origin, sharing one request log and one set of test switches. With `tls` both speak
// HTTPS, as the real Hub and its CDN do.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import { createServer as createTlsServer, type Server as TlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { handleApiModels } from "./api-models";
import { handleCdn } from "./cdn";
import { sha1Hex } from "./content";
import { corruptKey, type FileFault, type HubContext, type OutageMode } from "./context";
import { type FixtureRedirect, type FixtureRepo, fixtureRedirects, fixtureRepos } from "./fixtures";
import { internalError, notFound, sendJson } from "./http-util";
import { handleResolve, handleResolveCache } from "./resolve";
import { type RepoPush, RepoStore } from "./store";

export const FAKE_HUB_TOKEN = "hf_fake_token";

export interface HubRequest {
  method: string;
  host: string;
  /** path + query exactly as received */
  path: string;
  authorization: string | null;
  range: string | null;
  /** Who asked: the server's header reads say `llmlb-server/…`, agents `llmlb-agent/…`. */
  userAgent: string | null;
  /** 0 when the connection closed before any status was sent */
  status: number;
  /** Body bytes the hub handed to the connection so far (a client that stops reading caps it). */
  bytes: number;
  /** When the request arrived (Date.now()). */
  at: number;
}

export interface FakeHub {
  url: string;
  cdnUrl: string;
  token: string;
  requests: HubRequest[];
  clearRequests(): void;
  setOutage(mode: OutageMode): void;
  setThrottle(bytesPerSecond: number | null): void;
  setCorrupt(repo: string, path: string, on: boolean): void;
  /** Makes the file's answers carry `etag` (null: its own again), as a lying mirror might. */
  setEtag(repo: string, path: string, etag: string | null): void;
  /**
   * "unavailable": the file's resolve URL answers 503; "stall": headers, then silence;
   * "drip": its bytes at 200 per second; "no-range": the whole file whatever Range asks
   * (a mirror without Range support); null: served again.
   */
  setFileFault(repo: string, path: string, fault: FileFault | null): void;
  getFile(repo: string, path: string): { size: number; sha256: string; lfs: boolean; commit: string } | undefined;
  /** Moves main to a new commit with `push` applied (older commits stay downloadable); returns the commit. */
  push(repo: string, push: RepoPush): string;
  /** Deletes the repository (every answer about it is then the Hub's not-found). */
  deleteRepo(repo: string): void;
  /**
   * Sends the Hub's webhook for a push to `repo` (a `repo.content` update) to `url`, with
   * `secret` in X-Webhook-Secret as the Hub does; resolves to the answer's status and body.
   */
  sendWebhook(opts: { url: string; secret: string | null; repo: string }): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export interface FakeHubOptions {
  host?: string;
  port?: number;
  cdnPort?: number;
  /** How long `acme/slow` takes to answer metadata calls (default 12000, past a 10 s client timeout). */
  slowDelayMs?: number;
  repos?: FixtureRepo[];
  /** Renamed/legacy ids; defaults to fixtureRedirects. */
  redirects?: FixtureRedirect[];
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

type Server = ReturnType<typeof createServer> | TlsServer;

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** Logs the request once its status is known (headers written, or connection closed). */
function track(res: ServerResponse, entry: HubRequest, requests: HubRequest[]): void {
  let logged = false;
  const log = () => {
    if (logged) return;
    logged = true;
    entry.status = res.headersSent ? res.statusCode : 0;
    requests.push(entry);
  };
  type WriteHead = (...args: unknown[]) => ServerResponse;
  const original = res.writeHead.bind(res) as WriteHead;
  const patched: WriteHead = (...args) => {
    const result = original(...args);
    log();
    return result;
  };
  (res as unknown as { writeHead: WriteHead }).writeHead = patched;
  res.once("close", log);
  type Write = (chunk?: unknown, ...rest: unknown[]) => unknown;
  const count =
    (original: Write): Write =>
    (chunk, ...rest) => {
      if (typeof chunk === "string" || chunk instanceof Uint8Array) entry.bytes += Buffer.byteLength(chunk);
      return original(chunk, ...rest);
    };
  const writable = res as unknown as { write: Write; end: Write };
  writable.write = count(res.write.bind(res) as Write);
  writable.end = count(res.end.bind(res) as Write);
}

function makeServer(handler: Handler, requests: HubRequest[], tls: FakeHubOptions["tls"]): Server {
  const listener: RequestListener = (req, res) => {
    const entry: HubRequest = {
      method: req.method ?? "GET",
      host: req.headers.host ?? "",
      path: req.url ?? "/",
      authorization: req.headers.authorization ?? null,
      range: req.headers.range ?? null,
      userAgent: req.headers["user-agent"] ?? null,
      status: 0,
      bytes: 0,
      at: Date.now(),
    };
    track(res, entry, requests);
    // Prefixing keeps "//x" paths from being parsed as a host.
    const url = new URL(`http://fake-hub${req.url ?? "/"}`);
    handler(req, res, url).catch((err: unknown) => {
      if (!res.headersSent) internalError(res);
      else res.destroy(err instanceof Error ? err : undefined);
    });
  };
  return tls ? createTlsServer(tls, listener) : createServer(listener);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // Slow and throttled responses would otherwise keep close() waiting.
    server.closeAllConnections();
  });
}

function origin(scheme: "http" | "https", host: string, port: number): string {
  const h = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `${scheme}://${h.includes(":") ? `[${h}]` : h}:${port}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The body of the Hub's webhook (version 3) for a push to main. */
function webhookPayload(repo: string, headSha: string | null, hubUrl: string) {
  return {
    event: { action: "update", scope: "repo.content" },
    repo: {
      type: "model",
      name: repo,
      id: sha1Hex(`_id:${repo}`).slice(0, 24),
      private: false,
      url: { web: `${hubUrl}/${repo}`, api: `${hubUrl}/api/models/${repo}` },
      headSha,
      owner: { id: sha1Hex(`owner:${repo.split("/")[0]}`).slice(0, 24) },
    },
    webhook: { id: "6543210fedcba9876543210f", version: 3 },
    updatedRefs: headSha ? [{ ref: "refs/heads/main", newSha: headSha }] : [],
  };
}

export async function startFakeHub(opts: FakeHubOptions = {}): Promise<FakeHub> {
  const host = opts.host ?? "127.0.0.1";
  const requests: HubRequest[] = [];
  const ctx: HubContext = {
    store: new RepoStore(opts.repos ?? fixtureRepos, opts.redirects ?? fixtureRedirects),
    token: FAKE_HUB_TOKEN,
    hubUrl: "",
    cdnUrl: "",
    outage: null,
    throttle: null,
    corrupt: new Set(),
    etags: new Map(),
    faults: new Map(),
    slowDelayMs: opts.slowDelayMs ?? 12000,
    signatures: new Map(),
    cancels: new Set(),
    closed: false,
  };

  const serve = (handler: Handler) => makeServer(handler, requests, opts.tls);
  const hubServer = serve(async (req, res, url) => {
    const segs = url.pathname.split("/").filter(Boolean);
    if (segs[0] === "api" && segs[1] === "models") return handleApiModels(ctx, req, res, segs.slice(2), url);
    // Test control, for browser tests whose hub runs in another process: a push to a repo.
    if (segs[0] === "_test" && segs[1] === "push" && req.method === "POST") {
      const body = JSON.parse(await readBody(req)) as RepoPush;
      const id = decodeURIComponent(`${segs[2]}/${segs[3]}`);
      if (!ctx.store.find(id)) return notFound(res);
      return sendJson(res, 200, { commit: ctx.store.push(id, body) });
    }
    if (req.method !== "GET" && req.method !== "HEAD") return notFound(res);
    if (segs[0] === "api" && segs[1] === "resolve-cache" && segs[2] === "models") {
      return handleResolveCache(ctx, req, res, segs.slice(3));
    }
    if (segs[1] === "resolve" || segs[2] === "resolve") return handleResolve(ctx, req, res, segs, url);
    notFound(res);
  });
  const cdnServer = serve((req, res, url) => handleCdn(ctx, req, res, url));

  const scheme = opts.tls ? "https" : "http";
  try {
    ctx.hubUrl = origin(scheme, host, await listen(hubServer, opts.port ?? 0, host));
    ctx.cdnUrl = origin(scheme, host, await listen(cdnServer, opts.cdnPort ?? 0, host));
  } catch (err) {
    await Promise.all([shutdown(hubServer), shutdown(cdnServer)]);
    throw err;
  }

  let closing: Promise<void> | null = null;
  return {
    url: ctx.hubUrl,
    cdnUrl: ctx.cdnUrl,
    token: ctx.token,
    requests,
    // Truncate in place so references to `requests` stay live.
    clearRequests: () => {
      requests.length = 0;
    },
    setOutage: (mode) => {
      ctx.outage = mode;
    },
    setThrottle: (bytesPerSecond) => {
      ctx.throttle = bytesPerSecond && bytesPerSecond > 0 ? bytesPerSecond : null;
    },
    setCorrupt: (repo, path, on) => {
      const key = corruptKey(ctx.store.find(repo)?.id ?? repo, path);
      if (on) ctx.corrupt.add(key);
      else ctx.corrupt.delete(key);
    },
    setEtag: (repo, path, etag) => {
      const key = corruptKey(ctx.store.find(repo)?.id ?? repo, path);
      if (etag) ctx.etags.set(key, etag);
      else ctx.etags.delete(key);
    },
    setFileFault: (repo, path, fault) => {
      const key = corruptKey(ctx.store.find(repo)?.id ?? repo, path);
      if (fault) ctx.faults.set(key, fault);
      else ctx.faults.delete(key);
    },
    getFile: (repo, path) => ctx.store.fileInfo(repo, path),
    push: (repo, push) => ctx.store.push(repo, push),
    deleteRepo: (repo) => ctx.store.deleteRepo(repo),
    sendWebhook: async ({ url, secret, repo }) => {
      const stored = ctx.store.find(repo);
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(secret === null ? {} : { "x-webhook-secret": secret }) },
        body: JSON.stringify(webhookPayload(stored?.id ?? repo, stored?.refs.get("main") ?? null, ctx.hubUrl)),
      });
      return { status: res.status, body: await res.text() };
    },
    close: () => {
      closing ??= (async () => {
        ctx.closed = true;
        for (const cancel of [...ctx.cancels]) cancel();
        await Promise.all([shutdown(hubServer), shutdown(cdnServer)]);
      })();
      return closing;
    },
  };
}
