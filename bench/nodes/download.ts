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
/** A fast real link (2 Gbit/s, above what one Hub download usually gets): the hub is paced to it. */
const linkBytesPerSecond = 250e6;

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
  /** The agent and plain curl again, with the hub paced to linkBytesPerSecond. */
  paced: { agent: number[]; curl: number[] };
}

export async function measureDownload(opts: { rounds: number; pacedRounds: number }): Promise<Part> {
  return withCleanups(async (cleanups) => {
    const workDir = mkdtempSync(path.join(os.tmpdir(), "llmlb-bench-download-"));
    cleanups.add("remove download folder", () => rmSync(workDir, { recursive: true, force: true }));
    const free = statfsSync(workDir);
    const freeBytes = Number(free.bavail) * Number(free.bsize);
    if (freeBytes < neededDiskBytes) {
      throw new Error(`${workDir} has ${fmt.mb(freeBytes)} MB free; the download bench needs 5 GB`);
    }
    const results = await runRounds(cleanups, workDir, opts);
    return buildPart(results, opts.rounds);
  });
}

async function runRounds(
  cleanups: Cleanups,
  workDir: string,
  { rounds, pacedRounds }: { rounds: number; pacedRounds: number },
): Promise<DownloadResults> {
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
    paced: { agent: [], curl: [] },
  };
  const agentRun = (name: string) => {
    // Each method starts with no dirty pages of the previous one waiting to be written.
    execFileSync("sync");
    return runAgentDownload({
      serverUrl: stack.server.url,
      hubUrl: stack.hub.url,
      nodeKey,
      workDir,
      name,
      model: `hf/${repoId}`,
      sizeBytes,
      sha256: info.sha256,
      repoFolder: `models--${repoId.replace("/", "--")}`,
    });
  };
  for (let round = 0; round < rounds; round++) {
    const run = await agentRun(`bench-download-${round}`);
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
  stack.hub.setThrottle(linkBytesPerSecond);
  for (let round = 0; round < pacedRounds; round++) {
    const run = await agentRun(`bench-download-paced-${round}`);
    results.paced.agent.push(run.seconds);
    const file = path.join(workDir, "curl-paced.gguf");
    execFileSync("sync");
    try {
      results.paced.curl.push((await refMethods[0].run(url, file)).seconds);
    } finally {
      rmSync(file, { force: true });
    }
    const [a, c] = [run.seconds, results.paced.curl[round]];
    console.log(`  paced round ${round + 1}: agent ${fmt.num(a, 2)} s, curl ${fmt.num(c, 2)} s`);
  }
  stack.hub.setThrottle(null);
  return results;
}

const mbps = (seconds: number) => sizeBytes / 1e6 / seconds;

function buildPart(r: DownloadResults, rounds: number): Part {
  const agentMedian = median(r.agent.map((a) => a.seconds));
  const curlMedian = median(r.refs[0].seconds);
  const rows: [string, number[]][] = [
    ["agent: download.start → model.ready", r.agent.map((a) => a.seconds)],
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
  const pacedRatio = median(r.paced.curl) / median(r.paced.agent);
  const paced: Table = {
    title: `The same download with the hub paced to ${fmt.num(linkBytesPerSecond / 1e6)} MB/s (a fast real link), ${r.paced.agent.length} rounds, median`,
    headers: ["Method", "Runs (s)", "Median (s)", "Median MB/s", "Agent rate / this"],
    rows: (
      [
        ["agent: download.start → model.ready", r.paced.agent],
        ["curl", r.paced.curl],
      ] as [string, number[]][]
    ).map(([label, secs]) => [
      label,
      secs.map((s) => fmt.num(s, 2)).join(", "),
      fmt.num(median(secs), 2),
      fmt.num(mbps(median(secs))),
      fmt.pct(median(secs) / median(r.paced.agent)),
    ]),
  };
  const peak = Math.max(...r.agent.map((a) => a.peakRssBytes));
  const ratio = curlMedian / agentMedian;
  const warmRatio = median(refSeconds(r, "warmed")) / agentMedian;
  return {
    title: "Agent download throughput",
    tables: [throughput, paced, memory],
    checks: [
      {
        what: "Agent download rate vs curl (same file, same run)",
        target: `≥ ${fmt.pct(targets.ratio)} of curl`,
        measured: `${fmt.pct(ratio)} (${fmt.num(mbps(agentMedian))} vs ${fmt.num(mbps(curlMedian))} MB/s)`,
        pass: ratio >= targets.ratio,
      },
      {
        what: "Agent download rate vs curl given warmed memory, its best case here (not an issue target)",
        target: `≥ ${fmt.pct(targets.ratio)} of curl`,
        measured: fmt.pct(warmRatio),
        pass: warmRatio >= targets.ratio,
      },
      {
        what: `Agent download rate vs curl, hub paced to ${fmt.num(linkBytesPerSecond / 1e6)} MB/s (not an issue target)`,
        target: `≥ ${fmt.pct(targets.ratio)} of curl`,
        measured: fmt.pct(pacedRatio),
        pass: pacedRatio >= targets.ratio,
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

function refSeconds(r: DownloadResults, labelPart: string): number[] {
  const ref = r.refs.find((x) => x.label.includes(labelPart));
  if (!ref) throw new Error(`no reference download labelled …${labelPart}…`);
  return ref.seconds;
}

function downloadNote(r: DownloadResults, ratio: number): string {
  const agentS = median(r.agent.map((a) => a.seconds));
  const cpuS = median(r.agent.map((a) => a.cpuSeconds));
  const curlS = median(r.refs[0].seconds);
  const warmS = median(refSeconds(r, "warmed"));
  const nullS = median(refSeconds(r, "/dev/null"));
  const opensslS = median(refSeconds(r, "openssl"));
  const worst = r.agent.reduce((a, b) => (b.peakRssBytes > a.peakRssBytes ? b : a));
  const peak = worst.peakRssBytes;
  const startRss = worst.rssAtStartBytes;
  const quarters = worst.rssAtQuartersBytes.map((b) => fmt.num(b / 1e6, 0)).join(", ");
  const pacedRatio = median(r.paced.curl) / median(r.paced.agent);
  return [
    "**Download.** One 2 GiB LFS file (`bench/big-GGUF`, a fixture added by the bench) is served by the fake Hub in the bench process: the agent and every curl variant ask the Hub's resolve URL and follow its 302 to the CDN origin, and write into the same temporary folder.",
    "Rounds interleave the methods, each starting after `sync` and each curl file deleted at once, so no method pays for another's writeback.",
    `On loopback the agent took ${fmt.num(agentS, 2)} s (${fmt.num(cpuS, 1)} CPU seconds), fsync, rename and links included, against plain curl's ${fmt.num(curlS, 2)} s: ${fmt.pct(ratio)} of curl's rate.`,
    "It reads a plain-HTTP body with `net.Socket`'s `onread` straight into a ring of 1 MiB page-aligned slots (no Buffer per read, no garbage), hashes each full slot with sha256 (OpenSSL with SHA-NI: about 1.2 CPU seconds for this file) and writes it with `O_DIRECT`, so its bytes never pass through the page cache. curl writes through the page cache and hashes nothing.",
    `On the virtual machine this bench was written on, writing 2 GiB into the page cache costs 0.4 s to 5 s depending on whether the guest has already handed its free memory back to the hypervisor (virtio-balloon free page reporting), and that is most of curl's time: curl writing to /dev/null took ${fmt.num(nullS, 2)} s.`,
    `The "freed memory warmed first" row gives curl its best case, a process touching and freeing 2.5 GiB just before it: ${fmt.num(warmS, 2)} s, against which the agent reaches ${fmt.pct(warmS / agentS)}.`,
    `Against \`curl | tee | openssl sha256\` (the same download, write and OpenSSL hash, in three processes) the agent reaches ${fmt.pct(opensslS / agentS)}.`,
    `With the hub paced to ${fmt.num(linkBytesPerSecond / 1e6)} MB/s (2 Gbit/s, more than one Hub download usually gets), the agent keeps up: ${fmt.pct(pacedRatio)} of curl.`,
    "HTTPS bodies (the real Hub) arrive through node:http as Buffers and are copied into the same ring; TLS then costs more than either copy.",
    `Memory: the highest peak resident set was ${fmt.num(peak / 1e6, 1)} MB, of which ${fmt.num(startRss / 1e6, 1)} MB was already resident when the download started (Node and the CLI, which runs as one esbuild bundle);`,
    `the peak is ${fmt.num((peak - startRss) / 1e6, 0)} MB above that, and the resident set stayed flat as the file went by (${quarters} MB at the quarter marks): the agent streams through its 8 MiB ring and never holds the file.`,
  ].join(" ");
}
