// Backoff and retry policy, and how Hub failures are classified for it: 429/5xx and
// network errors are transient (Retry-After honoured), the rest permanent.
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DownloadError, downloadFile } from "../../cli/agent/download/download-file";
import { Backoff, backoffDelay, parseRetryAfter, retryTransient } from "../../cli/agent/download/retry";
import { type FakeHub, startFakeHub } from "../fake-hub";

let hub: FakeHub;
let tmp: string;
beforeAll(async () => {
  hub = await startFakeHub();
  tmp = mkdtempSync(path.join(os.tmpdir(), "llmlb-retry-"));
});
afterAll(async () => {
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});

const base = (repo: string, file: string) => ({
  hfEndpoint: hub.url,
  repo,
  commit: hub.getFile(repo, "README.md")?.commit ?? "",
  path: file,
  blobsDir: tmp,
});

describe("backoff", () => {
  it("doubles from the base up to the cap", () => {
    expect([0, 1, 2, 3, 6, 7, 20].map((n) => backoffDelay(n))).toEqual([1000, 2000, 4000, 8000, 60000, 60000, 60000]);
    const b = new Backoff(1000, 30_000);
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000,
    ]);
    b.reset();
    expect(b.next()).toBe(1000);
  });

  it("reads Retry-After as seconds or a date", () => {
    expect(parseRetryAfter("42")).toBe(42_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});

describe("retryTransient", () => {
  it("retries transient failures, honouring retryAfterMs, and marks exhaustion", async () => {
    const delays: number[] = [];
    let calls = 0;
    const err = await retryTransient(
      async () => {
        calls++;
        throw new DownloadError("rate_limited", "slow down", { transient: true, retryAfterMs: 5 });
      },
      { attempts: 3, baseMs: 1, onRetry: ({ delayMs }) => delays.push(delayMs) },
    ).catch((e: DownloadError) => e);
    expect(calls).toBe(3);
    expect(delays).toEqual([5, 5]);
    expect(err).toMatchObject({ code: "rate_limited", exhausted: true });
  });

  it("recovers from a network error and does not retry permanent ones", async () => {
    // A TCP relay to the Hub that resets its first connection.
    let connections = 0;
    const open = new Set<net.Socket>();
    const relay = net.createServer((client) => {
      connections++;
      if (connections === 1) return client.resetAndDestroy();
      const upstream = net.connect(Number(new URL(hub.url).port), "127.0.0.1");
      open.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const relayUrl = `http://127.0.0.1:${(relay.address() as net.AddressInfo).port}`;
    const info = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q8_0.gguf");
    const errors: string[] = [];
    try {
      const got = await retryTransient(
        () =>
          downloadFile({
            ...base("acme/tiny-llama-GGUF", "tiny-llama.Q8_0.gguf"),
            hfEndpoint: relayUrl,
            expectedSha256: info?.sha256,
          }),
        { baseMs: 1, onRetry: ({ error }) => errors.push((error as DownloadError).code) },
      );
      expect(got.blob).toBe(info?.sha256);
    } finally {
      relay.close();
      for (const socket of open) socket.destroy();
    }
    expect(errors).toEqual(["network"]);
    expect(connections).toBe(2); // the reset one, then the resolve (its 302 goes to the CDN directly)

    let permanent = 0;
    await retryTransient(
      () => {
        permanent++;
        return downloadFile({ ...base("acme/tiny-llama-GGUF", "missing.gguf") });
      },
      { baseMs: 1 },
    ).catch(() => {});
    expect(permanent).toBe(1);
  });

  it("classifies the Hub's 429 and 5xx as transient", async () => {
    const limited = await downloadFile(base("acme/rate-limited", "README.md")).catch((e: DownloadError) => e);
    expect(limited).toMatchObject({ code: "rate_limited", transient: true, retryAfterMs: 42_000 });
    const failing = await downloadFile(base("acme/failing", "README.md")).catch((e: DownloadError) => e);
    expect(failing).toMatchObject({ code: "unavailable", transient: true });
  });
});
