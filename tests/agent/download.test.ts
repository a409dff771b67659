// The agent's single-file download against the fake hub's real wire format: redirects,
// token scoping, permanent vs transient errors, checksum, resume and stall detection.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DownloadError, type DownloadFileOptions, downloadFile } from "../../cli/agent/download";
import { retryTransient } from "../../cli/agent/retry";
import { type FakeHub, startFakeHub } from "../fake-hub";

let hub: FakeHub;
let tmp: string;
let blobsDir: string;
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const cdnHost = () => new URL(hub.cdnUrl).host;
const hubHost = () => new URL(hub.url).host;

function opts(repo: string, file: string, extra: Partial<DownloadFileOptions> = {}): DownloadFileOptions {
  const info = hub.getFile(repo, file);
  return {
    hfEndpoint: hub.url,
    repo,
    commit: info?.commit ?? "0".repeat(40),
    path: file,
    blobsDir,
    expectedSize: info?.size ?? null,
    expectedSha256: info?.lfs ? info.sha256 : null,
    stallTimeoutMs: 5000,
    ...extra,
  };
}

async function failure(p: Promise<unknown>): Promise<DownloadError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DownloadError);
  return err as DownloadError;
}

beforeAll(async () => {
  hub = await startFakeHub();
  tmp = mkdtempSync(path.join(os.tmpdir(), "llmlb-download-"));
});
beforeEach(() => {
  blobsDir = mkdtempSync(path.join(tmp, "blobs-"));
  hub.clearRequests();
});
afterEach(() => {
  hub.setThrottle(null);
});
afterAll(async () => {
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("downloadFile", () => {
  it("follows the LFS 302 to the CDN and stores the blob under its sha256", async () => {
    const info = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf");
    const got = await downloadFile(opts("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf"));
    expect(got).toMatchObject({ blob: info?.sha256, size: 300000, sha256: info?.sha256, reused: false });
    expect(sha256(path.join(blobsDir, got.blob))).toBe(info?.sha256);
    expect(readdirSync(blobsDir)).toEqual([info?.sha256]);
    expect(hub.requests.map((r) => [r.host === cdnHost() ? "cdn" : "hub", r.status])).toEqual([
      ["hub", 302],
      ["cdn", 200],
    ]);
  });

  it("follows a small file's relative 307 and names the blob after the ETag", async () => {
    const info = hub.getFile("acme/tiny-llama-GGUF", "README.md");
    const got = await downloadFile(opts("acme/tiny-llama-GGUF", "README.md"));
    expect(got.blob).toMatch(/^[0-9a-f]{40}$/); // the git blob id, as huggingface_hub names it
    expect(got.sha256).toBe(info?.sha256);
    expect(sha256(path.join(blobsDir, got.blob))).toBe(info?.sha256);
    expect(hub.requests.map((r) => r.status)).toEqual([307, 200]);
    expect(hub.requests[1]?.path).toMatch(/^\/api\/resolve-cache\/models\/acme\/tiny-llama-GGUF\//);
  });

  it("does not fetch a blob that is already complete", async () => {
    const o = opts("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf");
    await downloadFile(o);
    hub.clearRequests();
    expect(await downloadFile(o)).toMatchObject({ reused: true, size: 300000 });
    expect(hub.requests).toEqual([]);
  });

  it("sends HF_TOKEN to the Hub's origin only, never to the CDN", async () => {
    await downloadFile(opts("acme/tiny-llama-GGUF", "tiny-llama.Q8_0.gguf", { hfToken: hub.token }));
    await downloadFile(opts("acme/tiny-llama-GGUF", ".gitattributes", { hfToken: hub.token }));
    const bearer = `Bearer ${hub.token}`;
    const onHub = hub.requests.filter((r) => r.host === hubHost());
    const onCdn = hub.requests.filter((r) => r.host === cdnHost());
    expect(onHub.length).toBe(3); // LFS resolve, small-file resolve, its resolve-cache target
    expect(onHub.every((r) => r.authorization === bearer)).toBe(true);
    expect(onCdn.length).toBe(1);
    expect(onCdn[0]?.authorization).toBeNull();
  });

  it("reports a gated repo without a token as a permanent `gated` error naming HF_TOKEN", async () => {
    const err = await failure(downloadFile(opts("acme/gated-model", "model.safetensors")));
    expect(err).toMatchObject({ code: "gated", transient: false });
    expect(err.message).toBe("acme/gated-model is gated: set HF_TOKEN to a token of an account with access");
    expect(readdirSync(blobsDir)).toEqual([]);

    const got = await downloadFile(opts("acme/gated-model", "model.safetensors", { hfToken: hub.token }));
    expect(got.sha256).toBe(hub.getFile("acme/gated-model", "model.safetensors")?.sha256);
  });

  it("reports a missing file as a permanent `not_found` error", async () => {
    const base = opts("acme/tiny-llama-GGUF", "README.md");
    const err = await failure(downloadFile({ ...base, path: "nope.gguf", expectedSize: 10 }));
    expect(err).toMatchObject({ code: "not_found", transient: false });
    expect(err.message).toContain("nope.gguf");
  });

  it("rejects corrupted bytes with `checksum_mismatch` and leaves nothing behind", async () => {
    hub.setCorrupt("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf", true);
    try {
      const info = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf");
      const err = await failure(downloadFile(opts("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf")));
      expect(err).toMatchObject({ code: "checksum_mismatch", transient: false });
      expect(err.message).toContain("tiny-llama.Q4_K_M.gguf");
      expect(err.message).toContain(`expected sha256 ${info?.sha256}, got `);
      expect(readdirSync(blobsDir)).toEqual([]);
      // Permanent: retryTransient gives up at once instead of looping.
      hub.clearRequests();
      await failure(retryTransient(() => downloadFile(opts("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf"))));
      expect(hub.requests.filter((r) => r.host === cdnHost()).length).toBe(1);
    } finally {
      hub.setCorrupt("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf", false);
    }
  });

  it("resumes an .incomplete file with Range and verifies the whole file's sha256", async () => {
    const file = "tiny-llama.F16.gguf";
    const info = hub.getFile("acme/tiny-llama-GGUF", file);
    const N = 123_457;
    // The real first N bytes, fetched the way a client would (redirect, then a ranged CDN GET).
    const redirect = await fetch(`${hub.url}/acme/tiny-llama-GGUF/resolve/main/${file}`, { redirect: "manual" });
    const head = await fetch(redirect.headers.get("location") ?? "", { headers: { range: `bytes=0-${N - 1}` } });
    expect(head.status).toBe(206);
    writeFileSync(path.join(blobsDir, `${info?.sha256}.incomplete`), Buffer.from(await head.arrayBuffer()));
    hub.clearRequests();

    const seen: number[] = [];
    const got = await downloadFile(opts("acme/tiny-llama-GGUF", file, { onProgress: (b) => seen.push(b) }));
    expect(got).toMatchObject({ blob: info?.sha256, size: 900000, resumedFrom: N });
    expect(sha256(path.join(blobsDir, got.blob))).toBe(info?.sha256);
    const cdn = hub.requests.filter((r) => r.host === cdnHost());
    expect(cdn.map((r) => [r.range, r.status])).toEqual([[`bytes=${N}-`, 206]]);
    expect(seen[0]).toBe(N);
    expect(seen.at(-1)).toBe(900000);
    expect(existsSync(path.join(blobsDir, `${info?.sha256}.incomplete`))).toBe(false);
  });

  it("starts over when the partial file is longer than the file", async () => {
    const info = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf");
    writeFileSync(path.join(blobsDir, `${info?.sha256}.incomplete`), Buffer.alloc(300001));
    const got = await downloadFile(opts("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf"));
    expect(got.resumedFrom).toBe(0);
    expect(sha256(path.join(blobsDir, got.blob))).toBe(info?.sha256);
  });

  it("aborts a stalled transfer as a transient error and keeps the partial file", async () => {
    hub.setThrottle(1);
    const info = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf");
    const started = Date.now();
    const err = await failure(
      downloadFile(opts("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf", { stallTimeoutMs: 300 })),
    );
    expect(err).toMatchObject({ code: "stalled", transient: true });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(existsSync(path.join(blobsDir, `${info?.sha256}.incomplete`))).toBe(true);
  });

  it("reports a full disk as a permanent `disk_full`", async () => {
    const info = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf");
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    symlinkSync("/dev/full", path.join(blobsDir, `${info?.sha256}.incomplete`));
    const err = await failure(downloadFile(opts("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf")));
    expect(err).toMatchObject({ code: "disk_full", transient: false });
    expect(existsSync(path.join(blobsDir, info?.sha256 ?? ""))).toBe(false);
  });

  it("reports a connection closed mid-file as a resumable `truncated`", async () => {
    // A server that promises 1,000 bytes, sends 400 and hangs up a moment later.
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-length": "1000", etag: '"abc123"' });
      res.write(Buffer.alloc(400, 7), () => setTimeout(() => res.socket?.destroy(), 100));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const err = await failure(
        downloadFile({ hfEndpoint: endpoint, repo: "acme/x", commit: "0".repeat(40), path: "f.bin", blobsDir }),
      );
      expect(err).toMatchObject({ code: "truncated", transient: true });
      expect(err.message).toContain("closed at 400 of 1000 bytes");
      expect(readdirSync(blobsDir)).toEqual(["abc123.incomplete"]);
      expect(statSync(path.join(blobsDir, "abc123.incomplete")).size).toBe(400);
    } finally {
      server.close();
    }
  });

  it("stops at once, keeping the partial file, when its signal aborts", async () => {
    hub.setThrottle(50_000);
    const info = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.F16.gguf");
    const controller = new AbortController();
    const pending = downloadFile(
      opts("acme/tiny-llama-GGUF", "tiny-llama.F16.gguf", {
        signal: controller.signal,
        onProgress: (b) => b > 20_000 && controller.abort(),
      }),
    );
    await expect(pending).rejects.toThrow();
    expect(existsSync(path.join(blobsDir, `${info?.sha256}.incomplete`))).toBe(true);
    expect(readdirSync(blobsDir)).toEqual([`${info?.sha256}.incomplete`]);
  });

  it("streams a 512 MiB file in constant memory", async () => {
    const file = "model-00001-of-00128.safetensors";
    const info = hub.getFile("acme/huge-model", file); // hashes it once, before measuring
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const got = await downloadFile(opts("acme/huge-model", file, { onProgress: () => {} }));
      expect(got).toMatchObject({ blob: info?.sha256, size: 512 * 1024 * 1024 });
    } finally {
      clearInterval(sampler);
    }
    // The fake hub streams from the same process; both together stay far below a file's size.
    expect(peak - baseline).toBeLessThan(100 * 1024 * 1024);
    rmSync(path.join(blobsDir, info?.sha256 ?? ""), { force: true });
  }, 60_000);
});
