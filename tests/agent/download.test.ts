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
import net, { type AddressInfo } from "node:net";

import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DownloadError, type DownloadFileOptions, downloadFile } from "../../cli/agent/download/download-file";
import { retryTransient } from "../../cli/agent/download/retry";
import { type FakeHub, startFakeHub } from "../fake-hub";

let hub: FakeHub;
let tmp: string;
let blobsDir: string;
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
/** The git blob id, as huggingface_hub names blobs of files without an LFS sha256. */
const gitBlobId = (bytes: Buffer) => createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
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

/** The real first `n` bytes of a fixture, fetched the way a client would (redirect, then a ranged CDN GET). */
async function firstBytes(file: string, n: number): Promise<Buffer> {
  const redirect = await fetch(`${hub.url}/acme/tiny-llama-GGUF/resolve/main/${file}`, { redirect: "manual" });
  const head = await fetch(redirect.headers.get("location") ?? "", { headers: { range: `bytes=0-${n - 1}` } });
  expect(head.status).toBe(206);
  return Buffer.from(await head.arrayBuffer());
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

  it("follows a small file's relative 307 and names the blob by its git blob id, as huggingface_hub does", async () => {
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

  it("checks a blob already in place against its name before using it", async () => {
    const info = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf");
    const blob = path.join(blobsDir, info?.sha256 ?? "");
    // The right size, the wrong bytes: a size check alone would take it.
    writeFileSync(blob, Buffer.alloc(info?.size ?? 0, 1));
    const got = await downloadFile(opts("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf"));
    expect(got).toMatchObject({ blob: info?.sha256, reused: false });
    expect(sha256(blob)).toBe(info?.sha256);
  });

  it("never names a blob after the Hub's ETag, so a lying one cannot replace verified weights", async () => {
    const weights = hub.getFile("acme/mixed-formats", "model.safetensors");
    const config = hub.getFile("acme/mixed-formats", "config.json");
    await downloadFile(opts("acme/mixed-formats", "model.safetensors"));
    // A mirror answers for the small config.json with the weights' sha256 as its ETag.
    hub.setEtag("acme/mixed-formats", "config.json", weights?.sha256 ?? null);
    try {
      const got = await downloadFile(opts("acme/mixed-formats", "config.json"));
      expect(got.blob).not.toBe(weights?.sha256);
      expect(sha256(path.join(blobsDir, got.blob))).toBe(config?.sha256);
      expect(sha256(path.join(blobsDir, weights?.sha256 ?? ""))).toBe(weights?.sha256);
    } finally {
      hub.setEtag("acme/mixed-formats", "config.json", null);
    }
  });

  it("ends a transfer that drips slower than 1 KiB/s as a transient stall, keeping what came", async () => {
    hub.setFileFault("acme/tiny-llama-GGUF", "tiny-llama.F16.gguf", "drip");
    try {
      const err = await failure(
        downloadFile(opts("acme/tiny-llama-GGUF", "tiny-llama.F16.gguf", { stallTimeoutMs: 1000 })),
      );
      expect(err).toMatchObject({ code: "stalled", transient: true });
      expect(err.message).toMatch(/slower than 1024 bytes\/s/);
    } finally {
      hub.setFileFault("acme/tiny-llama-GGUF", "tiny-llama.F16.gguf", null);
    }
  });

  it("checks a file without a sha256 against the git blob id the manifest gives", async () => {
    const config = hub.getFile("acme/mixed-formats", "config.json");
    const manifest = await fetch(`${hub.url}/api/models/acme/mixed-formats/revision/main?blobs=true`).then((r) =>
      r.json(),
    );
    const expected = manifest.siblings.find((f: { rfilename: string }) => f.rfilename === "config.json").blobId;
    const good = await downloadFile(opts("acme/mixed-formats", "config.json", { expectedBlobId: expected }));
    expect(good).toMatchObject({ blob: expected, sha256: config?.sha256 });
    rmSync(path.join(blobsDir, good.blob));
    // A mirror serving other bytes of the same size: refused, nothing kept.
    hub.setCorrupt("acme/mixed-formats", "config.json", true);
    try {
      const err = await failure(downloadFile(opts("acme/mixed-formats", "config.json", { expectedBlobId: expected })));
      expect(err).toMatchObject({ code: "checksum_mismatch", transient: false });
      expect(err.message).toContain(`expected git blob id ${expected}`);
      expect(readdirSync(blobsDir)).toEqual([]);
    } finally {
      hub.setCorrupt("acme/mixed-formats", "config.json", false);
    }
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

  for (const directIo of [true, false]) {
    const how = directIo ? "with O_DIRECT" : "through the page cache";
    it(`resumes an .incomplete file with Range and verifies the whole file's sha256 (${how})`, async () => {
      const file = "tiny-llama.F16.gguf";
      const info = hub.getFile("acme/tiny-llama-GGUF", file);
      const N = 123_457; // not a multiple of the 4 KiB an O_DIRECT write needs
      writeFileSync(path.join(blobsDir, `${info?.sha256}.incomplete`), await firstBytes(file, N));
      hub.clearRequests();

      const seen: number[] = [];
      const got = await downloadFile(opts("acme/tiny-llama-GGUF", file, { onProgress: (b) => seen.push(b), directIo }));
      expect(got).toMatchObject({ blob: info?.sha256, size: 900000, resumedFrom: N });
      expect(sha256(path.join(blobsDir, got.blob))).toBe(info?.sha256);
      const cdn = hub.requests.filter((r) => r.host === cdnHost());
      expect(cdn.map((r) => [r.range, r.status])).toEqual([[`bytes=${N}-`, 206]]);
      expect(seen[0]).toBe(N);
      expect(seen.at(-1)).toBe(900000);
      expect(existsSync(path.join(blobsDir, `${info?.sha256}.incomplete`))).toBe(false);
    });
  }

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
      // Named after where the file is, not after the server's ETag.
      const [partial] = readdirSync(blobsDir);
      expect(readdirSync(blobsDir)).toEqual([expect.stringMatching(/^llmlb-[0-9a-f]{40}\.incomplete$/)]);
      expect(statSync(path.join(blobsDir, partial)).size).toBe(400);
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
    expect(readdirSync(blobsDir)).toEqual([`${info?.sha256}.incomplete`]);
    // Every byte received is kept, and they are the file's own first bytes.
    const kept = readFileSync(path.join(blobsDir, `${info?.sha256}.incomplete`));
    expect(kept.length).toBeGreaterThan(20_000);
    expect(kept.equals(await firstBytes("tiny-llama.F16.gguf", kept.length))).toBe(true);
  });

  it("writes a slow download to disk as it arrives, not only when its buffer fills", async () => {
    hub.setThrottle(100_000);
    const info = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.F16.gguf");
    const partial = path.join(blobsDir, `${info?.sha256}.incomplete`);
    const controller = new AbortController();
    let sizeSeen = 0;
    const pending = downloadFile(
      opts("acme/tiny-llama-GGUF", "tiny-llama.F16.gguf", {
        signal: controller.signal,
        onProgress: (b) => {
          if (b < 250_000) return;
          // Read while the download still runs: a crash now would keep this much.
          sizeSeen = existsSync(partial) ? statSync(partial).size : 0;
          controller.abort();
        },
      }),
    );
    await expect(pending).rejects.toThrow();
    expect(sizeSeen).toBeGreaterThan(100_000);
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

describe("downloadFile against other HTTP servers (a mirror behind HF_ENDPOINT)", () => {
  const commit = "c".repeat(40);
  const body = Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 31) % 251));
  const digest = createHash("sha256").update(body).digest("hex");
  let server: http.Server;
  let raw: net.Server;
  const endpoint = (s: http.Server | net.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  const get = (hfEndpoint: string, file: string) =>
    downloadFile({ hfEndpoint, repo: "acme/x", commit, path: file, blobsDir, stallTimeoutMs: 5000 });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const file = req.url?.split("/").at(-1);
      if (file === "chunked.bin") {
        res.writeHead(200, { etag: '"chunked1"', "transfer-encoding": "chunked" });
        for (let at = 0; at < body.length; at += 100_000) res.write(body.subarray(at, at + 100_000));
        res.end();
      } else if (file === "hints.bin") {
        res.writeEarlyHints({ link: "</x>; rel=preload" });
        res.writeHead(200, { etag: '"hints1"', "content-length": body.length });
        res.end(body);
      } else if (file === "empty.bin") {
        res.writeHead(200, { etag: '"empty1"', "content-length": 0 });
        res.end();
      } else {
        res.writeHead(404).end();
      }
    });
    // Answers by hand: a body that runs to the connection's end, or no HTTP at all.
    raw = net.createServer((socket) => {
      // A client that stops reading early resets the connection: expected here.
      socket.on("error", () => {});
      socket.once("data", (request) => {
        const asked = request.toString("latin1");
        if (asked.includes("/to-close.bin ")) {
          socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\netag: "close1"\r\n\r\n'), body]));
        } else if (asked.includes("/overlong.bin ")) {
          // 60 of 100 bytes with the headers, the other 40 later followed by bytes that are not
          // the file's, on a connection left open.
          socket.write(
            Buffer.concat([
              Buffer.from('HTTP/1.1 200 OK\r\netag: "long1"\r\ncontent-length: 100\r\n\r\n'),
              body.subarray(0, 60),
            ]),
          );
          setTimeout(() => socket.write(Buffer.concat([body.subarray(60, 100), Buffer.from("JUNK")])), 50);
        } else {
          socket.end("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => {
    server.close();
    raw.close();
  });

  // Blobs are named by a hash of the bytes: the git blob id when the size was known before
  // the body (as huggingface_hub names such files), else the sha256. Never the server's ETag.
  it.each([
    ["chunked.bin", "a chunked body", () => digest],
    ["hints.bin", "a body after 103 Early Hints", () => gitBlobId(body)],
  ])("downloads %s (%s)", async (file, _what, name) => {
    const got = await get(endpoint(server), file);
    expect(got).toMatchObject({ blob: name(), size: body.length, sha256: digest });
    expect(readFileSync(path.join(blobsDir, name())).equals(body)).toBe(true);
  });

  it("downloads an empty file", async () => {
    const got = await get(endpoint(server), "empty.bin");
    const empty = gitBlobId(Buffer.alloc(0));
    expect(got).toMatchObject({ blob: empty, size: 0, sha256: createHash("sha256").digest("hex") });
    expect(statSync(path.join(blobsDir, empty)).size).toBe(0);
  });

  it("downloads a body with no length that ends when the connection closes", async () => {
    const got = await get(endpoint(raw), "to-close.bin");
    expect(got).toMatchObject({ blob: digest, size: body.length, sha256: digest });
    expect(readFileSync(path.join(blobsDir, digest)).equals(body)).toBe(true);
  });

  it("stops at Content-Length when a server sends more", async () => {
    const got = await get(endpoint(raw), "overlong.bin");
    const first = body.subarray(0, 100);
    expect(got).toMatchObject({ blob: gitBlobId(first), size: 100 });
    expect(readFileSync(path.join(blobsDir, gitBlobId(first))).equals(first)).toBe(true);
  });

  it("reports a server that does not speak HTTP as a transient network error", async () => {
    const err = await failure(get(endpoint(raw), "other.bin"));
    expect(err).toMatchObject({ code: "network", transient: true });
    // node:http's own words for an answer that is not HTTP.
    expect(err.message).toContain("Parse Error: Expected HTTP/");
    expect(readdirSync(blobsDir)).toEqual([]);
  });
});
