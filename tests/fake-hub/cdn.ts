// The LFS CDN (its own origin, like cdn-lfs.hf.co): GET|HEAD /repos/{xx}/{yy}/{sha256}.
// It ignores Authorization entirely; the request log lets tests prove none arrived.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type HubContext, streamOptionsFor } from "./context";
import { notFound, serveBytes } from "./http-util";

export async function handleCdn(ctx: HubContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") return notFound(res);
  const segs = url.pathname.split("/").filter(Boolean);
  const sha = segs[segs.length - 1] ?? "";
  if (segs[0] !== "repos" || !/^[0-9a-f]{64}$/.test(sha)) return notFound(res);

  // Prefer the file the signed URL was issued for, so per-file corruption applies even
  // when several files share bytes; fall back to any file with that hash.
  const signed = ctx.signatures.get(url.searchParams.get("signature") ?? "");
  const file = signed && (await ctx.store.sha256(signed)) === sha ? signed : ctx.store.findBySha(sha);
  if (!file) return notFound(res);

  const name = file.path.split("/").pop() ?? file.path;
  // Header values are Latin-1: the plain filename= gets an ASCII stand-in, filename*= the real name.
  const asciiName = name.replace(/[^\x20-\x7e]|"/g, "_");
  await serveBytes(
    req,
    res,
    file.spec,
    file.size,
    {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `inline; filename*=UTF-8''${encodeURIComponent(name)}; filename="${asciiName}";`,
      ETag: `"${sha}"`,
      "Last-Modified": new Date(Date.parse("2026-01-01T00:00:00.000Z")).toUTCString(),
    },
    streamOptionsFor(ctx, file),
  );
}
