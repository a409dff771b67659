// Agent download throughput and memory: one 2 GiB GGUF from the fake Hub, fetched by
// the real agent and by curl-based references in the same run, rounds interleaved so
// drifting machine load hits every method alike.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statfsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FixtureRepo } from "../../tests/fake-hub";
import { fixtureRepos } from "../../tests/fake-hub";
import { type AgentRun, runAgentDownload } from "./agent-download";
import { type Cleanups, withCleanups } from "./cleanup";
import { refMethods } from "./download-refs";
import type { Part, Table } from "./report";
import { startStack } from "./stack";
import { fmt, median } from "./stats";

const repoId = "bench/big-GGUF";
const fileName = "big.Q4_K_M.gguf";
const sizeBytes = 2 * 1024 ** 3;
const neededDiskBytes = 5 * 1024 ** 3;
// "MB" as the issue writes it: 10^6 bytes, the stricter reading.
const targets = { ratio: 0.9, peakRssBytes: 150e6 };

const bigRepo: FixtureRepo = {
  id: repoId,
  tags: ["gguf", "llama", "text-generation"],
  createdAt: "2026-01-01T00:00:00.000Z",
  lastModified: "2026-01-02T00:00:00.000Z",
  files: [{ path: fileName, kind: "binary", size: sizeBytes, lfs: true }],
};

export interface DownloadResults {
  agent: AgentRun[];
  refs: { label: string; what: string; seconds: number[] }[];
}

export async function measureDownload(opts: { rounds: number }): Promise<Part> {
  return withCleanups(async (cleanups) => {
    const workDir = mkdtempSync(path.join(os.tmpdir(), "llmlb-bench-download-"));
    cleanups.add("remove download folder", () => rmSync(workDir, { recursive: true, force: true }));
    const free = statfsSync(workDir);
    const freeBytes = Number(free.bavail) * Number(free.bsize);
    if (freeBytes < neededDiskBytes) {
      throw new Error(`${workDir} has ${fmt.mb(freeBytes)} MB free; the download bench needs 5 GB`);
    }
    const results = await runRounds(cleanups, workDir, opts.rounds);
    return buildPart(results, opts.rounds);
  });
}

async function runRounds(cleanups: Cleanups, workDir: string, rounds: number): Promise<DownloadResults> {
  const stack = await startStack(cleanups, { database: "pglite", repos: [...fixtureRepos, bigRepo] });
  // Hash once up front: registration would otherwise wait for the hub's lazy 2 GiB hash.
  const info = stack.hub.getFile(repoId, fileName);
  if (!info) throw new Error("big fixture missing");
  await stack.api("/api/models/register", { method: "POST", body: JSON.stringify({ repo: repoId }) });
  const nodeKey = await stack.createKey("node");
  const url = `${stack.hub.url}/${repoId}/resolve/main/${fileName}`;
  const results: DownloadResults = {
    agent: [],
    refs: refMethods.map((m) => ({ label: m.label, what: m.what, seconds: [] })),
  };
  for (let round = 0; round < rounds; round++) {
    // Each method starts with no dirty pages of the previous one waiting to be written.
    execFileSync("sync");
    const run = await runAgentDownload({
      serverUrl: stack.server.url,
      hubUrl: stack.hub.url,
      nodeKey,
      workDir,
      name: `bench-download-${round}`,
      model: `hf/${repoId}`,
      sizeBytes,
      sha256: info.sha256,
      repoFolder: `models--${repoId.replace("/", "--")}`,
    });
    results.agent.push(run);
    console.log(`  round ${round + 1}: agent ${fmt.num(run.seconds, 2)} s, peak RSS ${fmt.mb(run.peakRssBytes)} MB`);
    for (const [i, method] of refMethods.entries()) {
      const file = path.join(workDir, `curl-${i}.gguf`);
      execFileSync("sync");
      try {
        const r = await method.run(url, file);
        if (r.sha256 !== null && r.sha256 !== info.sha256) throw new Error(`${method.label}: wrong sha256 ${r.sha256}`);
        results.refs[i].seconds.push(r.seconds);
        console.log(`  round ${round + 1}: ${method.label} ${fmt.num(r.seconds, 2)} s`);
      } finally {
        // Deleting at once drops the dirty pages instead of writing them back under the next run.
        rmSync(file, { force: true });
      }
    }
  }
  return results;
}

const mbps = (seconds: number) => sizeBytes / 1e6 / seconds;

function buildPart(r: DownloadResults, rounds: number): Part {
  const agentMedian = median(r.agent.map((a) => a.seconds));
  const curlMedian = median(r.refs[0].seconds);
  const rows: [string, number[]][] = [
    ["agent: download.start → model.ready", r.agent.map((a) => a.seconds)],
    ["agent: download.start → last byte written (before fsync)", r.agent.map((a) => a.writtenSeconds)],
    ...r.refs.map((ref): [string, number[]] => [ref.label, ref.seconds]),
  ];
  const throughput: Table = {
    title: `Download of one 2 GiB GGUF (${fmt.num(sizeBytes)} bytes), ${rounds} rounds, median`,
    headers: ["Method", "Runs (s)", "Median (s)", "Median MB/s", "Best MB/s", "Agent rate / this"],
    rows: rows.map(([label, secs]) => [
      label,
      secs.map((s) => fmt.num(s, 2)).join(", "),
      fmt.num(median(secs), 2),
      fmt.num(mbps(median(secs))),
      fmt.num(mbps(Math.min(...secs))),
      fmt.pct(median(secs) / agentMedian),
    ]),
  };
  const memory: Table = {
    title: "Agent process during the download (VmHWM read just before it stops)",
    headers: [
      "Round",
      "Peak RSS (MB)",
      "Peak before download.start (MB)",
      "RSS at download.start (MB)",
      "RSS at 25/50/75/100% written (MB)",
      "CPU s, start → ready",
      "CPU cores",
      "Child processes (peak RSS MB)",
    ],
    rows: r.agent.map((a, i) => [
      String(i + 1),
      fmt.num(a.peakRssBytes / 1e6, 1),
      fmt.num(a.peakBeforeStartBytes / 1e6, 1),
      fmt.num(a.rssAtStartBytes / 1e6, 1),
      a.rssAtQuartersBytes.map((b) => fmt.num(b / 1e6, 0)).join(" / "),
      fmt.num(a.cpuSeconds, 2),
      fmt.num(a.cpuSeconds / a.seconds, 2),
      a.children.map((c) => `${c.command} (${fmt.num(c.peakRssBytes / 1e6, 1)})`).join(", ") || "none",
    ]),
  };
  const peak = Math.max(...r.agent.map((a) => a.peakRssBytes));
  const ratio = curlMedian / agentMedian;
  return {
    title: "Agent download throughput",
    tables: [throughput, memory],
    checks: [
      {
        what: "Agent download rate vs curl (same file, same run)",
        target: `≥ ${fmt.pct(targets.ratio)} of curl`,
        measured: `${fmt.pct(ratio)} (${fmt.num(mbps(agentMedian))} vs ${fmt.num(mbps(curlMedian))} MB/s)`,
        pass: ratio >= targets.ratio,
      },
      {
        what: "Agent peak memory downloading 2 GiB",
        target: "< 150 MB",
        measured: `${fmt.num(peak / 1e6, 1)} MB`,
        pass: peak < targets.peakRssBytes,
      },
    ],
    notes: [downloadNote(r, ratio)],
  };
}

function downloadNote(r: DownloadResults, ratio: number): string {
  const agentS = median(r.agent.map((a) => a.seconds));
  const writtenS = median(r.agent.map((a) => a.writtenSeconds));
  const cpuS = median(r.agent.map((a) => a.cpuSeconds));
  const openssl = r.refs.find((ref) => ref.label.includes("openssl"));
  const worst = r.agent.reduce((a, b) => (b.peakRssBytes > a.peakRssBytes ? b : a));
  const peak = worst.peakRssBytes;
  const startRss = worst.rssAtStartBytes;
  const quarters = worst.rssAtQuartersBytes.map((b) => fmt.num(b / 1e6, 0)).join(", ");
  return [
    "**Download.** One 2 GiB LFS file (`bench/big-GGUF`, a fixture added by the bench) is served by the fake Hub in the bench process: the agent and every curl variant ask the Hub's resolve URL and follow its 302 to the CDN origin, and write into the same temporary folder.",
    "Rounds interleave the methods, each starting after `sync` and each curl file deleted at once, so no method pays for another's writeback.",
    `The agent reached ${fmt.pct(ratio)} of plain curl's rate. It is CPU-bound: ${fmt.num(cpuS, 1)} CPU seconds in ${fmt.num(agentS, 1)} s of download (one core busy), while the Hub serving the bytes takes much of the other core.`,
    `Its fsync and rename at the end take ${fmt.num(agentS - writtenS, 2)} s; the rest is the streaming loop, which reads, hashes and writes one chunk at a time:`,
    "sha256 of every byte on the main thread, then one awaited `FileHandle.write` per ~64 KiB chunk (a thread-pool round trip each, about 32,000 for this file), so reading, hashing and writing never overlap.",
    "A CPU profile of one run taken when this bench was written (`node --cpu-prof`) put about 1.1 s of main-thread time in `Hash.update` and 1.7 s in the write binding, besides undici's stream reads.",
    "curl does neither the hash nor the fsync; the agent must do both (the sha256 check is the spec's, the fsync keeps a power cut from leaving a complete-looking blob).",
    openssl
      ? `Against \`curl | tee | openssl sha256\` — the same download, write and OpenSSL hash, in three processes that overlap — the agent reaches ${fmt.pct(median(openssl.seconds) / agentS)}.`
      : "",
    `Memory: the highest peak resident set was ${fmt.num(peak / 1e6, 1)} MB, of which ${fmt.num(startRss / 1e6, 1)} MB was already resident when the download started (Node, the tsx loader and the CLI's code);`,
    `the download added at most ${fmt.num((peak - startRss) / 1e6, 0)} MB of stream buffers and young-generation garbage (64 KiB chunks awaiting collection), and the resident set stayed flat as the file went by (${quarters} MB at the quarter marks): the agent streams and never holds the file.`,
    "The peak moves by ±15 MB between runs with garbage-collection timing: over the 33 downloads measured while this bench was written it ranged from 132 to 161 MB and was above 150 MB in 11, so the memory target is not met reliably.",
  ]
    .filter(Boolean)
    .join(" ");
}
