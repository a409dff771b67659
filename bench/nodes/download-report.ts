// Tables, targets and notes of the download bench (download.ts).
import type { AgentRun } from "./agent-download";
import type { Part, Table } from "./report";
import { fmt, median } from "./stats";

// "MB" as the issue writes it: 10^6 bytes, the stricter reading.
const targets = { ratio: 0.9, peakRssBytes: 150e6 };

export interface RefRuns {
  label: string;
  what: string;
  seconds: number[];
  /** User + system CPU of the whole pipeline (every process of it). */
  cpuSeconds: number[];
}

export interface LinkResults {
  agent: AgentRun[];
  refs: RefRuns[];
}

export interface DownloadResults {
  sizeBytes: number;
  /** What the hub was paced to in the paced rounds. */
  linkBytesPerSecond: number;
  /** One-minute load average before and after the download rounds. */
  load: [number, number];
  rounds: number;
  http: LinkResults;
  https: LinkResults & { tls: string };
  paced: { http: LinkResults; https: LinkResults };
}

interface Row {
  label: string;
  seconds: number[];
  cpuSeconds: number[];
  peakRssBytes: number | null;
}

const mbps = (bytes: number, seconds: number) => bytes / 1e6 / seconds;

function rowsOf(r: LinkResults): Row[] {
  return [
    {
      label: "agent: download.start → model.ready",
      seconds: r.agent.map((x) => x.seconds),
      cpuSeconds: r.agent.map((x) => x.cpuSeconds),
      peakRssBytes: Math.max(...r.agent.map((x) => x.peakRssBytes)),
    },
    ...r.refs.map((x) => ({ label: x.label, seconds: x.seconds, cpuSeconds: x.cpuSeconds, peakRssBytes: null })),
  ];
}

const headline = (r: LinkResults) => median(r.agent.map((a) => a.seconds));
const secondsOf = (r: LinkResults, label: string) => {
  const row = rowsOf(r).find((x) => x.label === label);
  if (!row) throw new Error(`no download labelled ${label}`);
  return row;
};

function throughputTable(title: string, r: LinkResults, bytes: number): Table {
  const agentS = headline(r);
  return {
    title,
    headers: [
      "Method",
      "Runs (s)",
      "Median (s)",
      "Median MB/s",
      "Best MB/s",
      "CPU s",
      "Peak RSS (MB)",
      "Agent rate / this",
    ],
    rows: rowsOf(r).map((row) => [
      row.label,
      row.seconds.map((s) => fmt.num(s, 2)).join(", "),
      fmt.num(median(row.seconds), 2),
      fmt.num(mbps(bytes, median(row.seconds))),
      fmt.num(mbps(bytes, Math.min(...row.seconds))),
      fmt.num(median(row.cpuSeconds), 2),
      row.peakRssBytes === null ? "–" : fmt.num(row.peakRssBytes / 1e6, 1),
      fmt.pct(median(row.seconds) / agentS),
    ]),
  };
}

function pacedTable(r: DownloadResults): Table {
  const rows = (["http", "https"] as const).flatMap((link) => {
    const agentS = headline(r.paced[link]);
    return rowsOf(r.paced[link]).map((row) => [
      link.toUpperCase(),
      row.label,
      row.seconds.map((s) => fmt.num(s, 2)).join(", "),
      fmt.num(median(row.seconds), 2),
      fmt.num(mbps(r.sizeBytes, median(row.seconds))),
      fmt.num(median(row.cpuSeconds), 2),
      fmt.num(median(row.cpuSeconds) / median(row.seconds), 2),
      fmt.pct(median(row.seconds) / agentS),
    ]);
  });
  return {
    title: `The same download with the hub paced to ${fmt.num(r.linkBytesPerSecond / 1e6)} MB/s (a fast real link), ${r.paced.http.agent.length} rounds, median`,
    headers: ["Link", "Method", "Runs (s)", "Median (s)", "Median MB/s", "CPU s", "CPU cores", "Agent rate / this"],
    rows,
  };
}

function memoryTable(r: DownloadResults): Table {
  const rows = (["http", "https"] as const).flatMap((link) =>
    r[link].agent.map((a, i) => [
      link.toUpperCase(),
      String(i + 1),
      fmt.num(a.peakRssBytes / 1e6, 1),
      fmt.num(a.peakBeforeStartBytes / 1e6, 1),
      fmt.num(a.rssAtStartBytes / 1e6, 1),
      a.rssAtQuartersBytes.map((b) => fmt.num(b / 1e6, 0)).join(" / "),
      fmt.num(a.cpuSeconds, 2),
      fmt.num(a.cpuSeconds / a.seconds, 2),
      a.children.map((c) => `${c.command} (${fmt.num(c.peakRssBytes / 1e6, 1)})`).join(", ") || "none",
    ]),
  );
  return {
    title: "Agent process during the download (VmHWM read just before it stops)",
    headers: [
      "Link",
      "Round",
      "Peak RSS (MB)",
      "Peak before download.start (MB)",
      "RSS at download.start (MB)",
      "RSS at 25/50/75/100% written (MB)",
      "CPU s, start → ready",
      "CPU cores",
      "Child processes (peak RSS MB)",
    ],
    rows,
  };
}

export function buildDownloadPart(r: DownloadResults): Part {
  const ratio = (link: LinkResults) => median(link.refs[0].seconds) / headline(link);
  const warmRatio = median(secondsOf(r.http, "curl, freed memory warmed first").seconds) / headline(r.http);
  const peak = Math.max(...[r.http, r.https].flatMap((l) => l.agent.map((a) => a.peakRssBytes)));
  const rateCheck = (what: string, link: LinkResults) => ({
    what,
    target: `≥ ${fmt.pct(targets.ratio)} of curl`,
    measured: `${fmt.pct(ratio(link))} (${fmt.num(mbps(r.sizeBytes, headline(link)))} vs ${fmt.num(mbps(r.sizeBytes, median(link.refs[0].seconds)))} MB/s)`,
    pass: ratio(link) >= targets.ratio,
  });
  return {
    title: "Agent download throughput",
    tables: [
      throughputTable(
        `Over HTTPS on loopback (${r.https.tls}): one 2 GiB GGUF (${fmt.num(r.sizeBytes)} bytes), ${r.rounds} rounds, median`,
        r.https,
        r.sizeBytes,
      ),
      throughputTable(`Over plain HTTP on loopback: the same file, ${r.rounds} rounds, median`, r.http, r.sizeBytes),
      pacedTable(r),
      memoryTable(r),
    ],
    checks: [
      rateCheck(
        `Agent vs curl over HTTPS paced to ${fmt.num(r.linkBytesPerSecond / 1e6)} MB/s, the case users meet (same TLS, same run)`,
        r.paced.https,
      ),
      rateCheck("Agent download rate vs curl over HTTPS on loopback (same TLS, same run)", r.https),
      rateCheck("Agent download rate vs curl over plain HTTP on loopback (same file, same run)", r.http),
      {
        what: "Agent download rate vs curl over plain HTTP given warmed memory, curl's best case here (not an issue target)",
        target: `≥ ${fmt.pct(targets.ratio)} of curl`,
        measured: fmt.pct(warmRatio),
        pass: warmRatio >= targets.ratio,
      },
      rateCheck(`Agent vs curl over plain HTTP paced to ${fmt.num(r.linkBytesPerSecond / 1e6)} MB/s`, r.paced.http),
      {
        what: "Agent peak memory downloading 2 GiB (HTTP and HTTPS)",
        target: "< 150 MB",
        measured: `${fmt.num(peak / 1e6, 1)} MB`,
        pass: peak < targets.peakRssBytes,
      },
    ],
    notes: [httpsNote(r), httpNote(r)],
  };
}

function httpsNote(r: DownloadResults): string {
  const agent = r.https.agent;
  const curl = r.https.refs[0];
  const devNull = secondsOf(r.https, "curl -o /dev/null");
  const bare = secondsOf(r.https, "bare Node client, body discarded");
  const openssl = secondsOf(r.https, "curl | tee | openssl sha256");
  const agentS = headline(r.https);
  const pacedAgent = r.paced.https.agent;
  const pacedCurl = r.paced.https.refs[0];
  return [
    "**HTTPS.** The fake Hub serves the same file over TLS on both its origins (the Hub and the CDN it redirects to), with a certificate made for the run by the machine's openssl; the agent trusts it through `NODE_EXTRA_CA_CERTS`, curl through `--cacert`.",
    `Negotiated: ${r.https.tls}. Both clients speak HTTP/1.1 to it (the hub offers no HTTP/2).`,
    `The agent took ${fmt.num(agentS, 2)} s (${fmt.num(median(agent.map((a) => a.cpuSeconds)), 1)} CPU seconds, TLS, sha256, O_DIRECT writes, fsync and links included) against curl's ${fmt.num(median(curl.seconds), 2)} s (${fmt.num(median(curl.cpuSeconds), 1)} CPU seconds, no hash): ${fmt.pct(median(curl.seconds) / agentS)} of curl's rate.`,
    `Reading and dropping the body costs curl ${fmt.num(median(devNull.cpuSeconds), 1)} CPU seconds (${fmt.num(median(devNull.seconds), 2)} s) and a bare Node client, node:https as the agent uses it, ${fmt.num(median(bare.cpuSeconds), 1)} (${fmt.num(median(bare.seconds), 2)} s):`,
    "the difference between those two is Node's own TLS and HTTP, which the agent cannot shed; on top of the bare client the agent hashes, copies into its ring and writes.",
    `\`curl | tee | openssl sha256\`, the same work as the agent's in three processes, took ${fmt.num(median(openssl.seconds), 2)} s (${fmt.num(median(openssl.cpuSeconds), 1)} CPU seconds).`,
    `Paced to ${fmt.num(r.linkBytesPerSecond / 1e6)} MB/s, as a fast real link is, the agent took ${fmt.num(median(pacedAgent.map((a) => a.seconds)), 2)} s and curl ${fmt.num(median(pacedCurl.seconds), 2)} s; the agent used ${fmt.num(median(pacedAgent.map((a) => a.cpuSeconds)), 1)} CPU seconds for it (${fmt.num(median(pacedAgent.map((a) => a.cpuSeconds / a.seconds)), 2)} of a core) and curl ${fmt.num(median(pacedCurl.cpuSeconds), 1)}.`,
    "The fake Hub encrypts in the bench process, on the same cores as the client it serves, for every method alike.",
    `Load average: ${fmt.num(r.load[0], 2)} before the download rounds, ${fmt.num(r.load[1], 2)} after.`,
  ].join(" ");
}

function httpNote(r: DownloadResults): string {
  const agentS = headline(r.http);
  const cpuS = median(r.http.agent.map((a) => a.cpuSeconds));
  const curlS = median(r.http.refs[0].seconds);
  const warmS = median(secondsOf(r.http, "curl, freed memory warmed first").seconds);
  const nullS = median(secondsOf(r.http, "curl -o /dev/null").seconds);
  const opensslS = median(secondsOf(r.http, "curl | tee | openssl sha256").seconds);
  const runs = [r.http, r.https].flatMap((l) => l.agent);
  const worst = runs.reduce((a, b) => (b.peakRssBytes > a.peakRssBytes ? b : a));
  const quarters = worst.rssAtQuartersBytes.map((b) => fmt.num(b / 1e6, 0)).join(", ");
  return [
    "**Plain HTTP.** One 2 GiB LFS file (`bench/big-GGUF`, a fixture added by the bench) is served by the fake Hub in the bench process: the agent and every curl variant ask the Hub's resolve URL and follow its 302 to the CDN origin, and write into the same temporary folder.",
    "Rounds interleave the methods, each starting after `sync` and each curl file deleted at once, so no method pays for another's writeback.",
    `On loopback the agent took ${fmt.num(agentS, 2)} s (${fmt.num(cpuS, 1)} CPU seconds), fsync, rename and links included, against plain curl's ${fmt.num(curlS, 2)} s: ${fmt.pct(curlS / agentS)} of curl's rate.`,
    "The agent reads the body through node:http, as over HTTPS, copies it into a ring of 1 MiB page-aligned slots, hashes each full slot with sha256 (OpenSSL with SHA-NI: about 1.2 CPU seconds for this file) and writes it with `O_DIRECT`, so its bytes never pass through the page cache. curl writes through the page cache and hashes nothing.",
    `On the virtual machine this bench was written on, writing 2 GiB into the page cache costs 0.4 s to 5 s depending on whether the guest has already handed its free memory back to the hypervisor (virtio-balloon free page reporting), and that is most of curl's time: curl writing to /dev/null took ${fmt.num(nullS, 2)} s.`,
    `The "freed memory warmed first" row gives curl its best case, a process touching and freeing 2.5 GiB just before it (that process's CPU is in the row's CPU figure): ${fmt.num(warmS, 2)} s, against which the agent reaches ${fmt.pct(warmS / agentS)}.`,
    `Against \`curl | tee | openssl sha256\` (the same download, write and OpenSSL hash, in three processes) the agent reaches ${fmt.pct(opensslS / agentS)}.`,
    `Memory: the highest peak resident set was ${fmt.num(worst.peakRssBytes / 1e6, 1)} MB, of which ${fmt.num(worst.rssAtStartBytes / 1e6, 1)} MB was already resident when the download started (Node and the CLI, which runs as one esbuild bundle);`,
    `the resident set stayed flat as the file went by (${quarters} MB at the quarter marks): the agent streams through its 8 MiB ring and never holds the file.`,
  ].join(" ");
}
