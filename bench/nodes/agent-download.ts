// One timed download by the real agent (`llmlb node run`, a child process): from its
// download.start event to model.ready, with its peak memory along the way.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { startAgent } from "../../tests/helpers/agent";
import { descendantsOf, readBytesWritten, readCmdline, readCpuSeconds, readStatusBytes } from "./proc";

export interface AgentRun {
  seconds: number;
  peakRssBytes: number;
  rssAtStartBytes: number;
  /** VmHWM when the download started: the part of the peak that start-up set. */
  peakBeforeStartBytes: number;
  /** RSS as the transfer passes 25, 50, 75 and 100% of the file: flat means streaming. */
  rssAtQuartersBytes: number[];
  /** CPU seconds the agent process used between download.start and model.ready. */
  cpuSeconds: number;
  /** Executables running under the agent's pid, with their own peak RSS (none expected). */
  children: { command: string; peakRssBytes: number }[];
}

export interface AgentRunOptions {
  serverUrl: string;
  hubUrl: string;
  nodeKey: string;
  workDir: string;
  name: string;
  model: string;
  sizeBytes: number;
  sha256: string;
  repoFolder: string;
  /** More environment for the agent (NODE_EXTRA_CA_CERTS for a hub over TLS). */
  env?: Record<string, string>;
}

const eventTime = (e: Record<string, unknown>) => Date.parse(String(e.ts));

export async function runAgentDownload(o: AgentRunOptions): Promise<AgentRun> {
  const cacheDir = mkdtempSync(path.join(o.workDir, "agent-cache-"));
  const agent = startAgent({
    serverUrl: o.serverUrl,
    apiKey: o.nodeKey,
    hubUrl: o.hubUrl,
    name: o.name,
    cacheDir,
    formats: "gguf",
    env: o.env,
  });
  const pid = agent.process.pid as number;
  // Sampled rather than traced: 10 ms steps are under 1% of a multi-second transfer.
  const rssAtQuartersBytes: number[] = [];
  const sampler = setInterval(() => {
    const written = readBytesWritten(pid) ?? 0;
    while (rssAtQuartersBytes.length < 4 && written >= (o.sizeBytes * (rssAtQuartersBytes.length + 1)) / 4) {
      rssAtQuartersBytes.push(readStatusBytes(pid, "VmRSS") ?? Number.NaN);
    }
  }, 10);
  try {
    const start = await agent.waitForEvent((e) => e.event === "download.start" && e.model === o.model, 90_000);
    const rssAtStartBytes = readStatusBytes(pid, "VmRSS") ?? Number.NaN;
    const peakBeforeStartBytes = readStatusBytes(pid, "VmHWM") ?? Number.NaN;
    const cpuAtStart = readCpuSeconds(pid) ?? Number.NaN;
    const failed = (e: Record<string, unknown>) => e.event === "model.error" && e.model === o.model;
    const ready = await agent.waitForEvent(
      (e) => (e.event === "model.ready" && e.model === o.model) || failed(e),
      180_000,
    );
    if (failed(ready)) throw new Error(`agent download failed: ${JSON.stringify(ready)}`);
    // Read while the process is alive: VmHWM is the peak resident set over its whole life.
    const peakRssBytes = readStatusBytes(pid, "VmHWM") ?? Number.NaN;
    const cpuSeconds = (readCpuSeconds(pid) ?? Number.NaN) - cpuAtStart;
    const children = descendantsOf(pid).map((child) => ({
      command: path.basename(readCmdline(child).split(" ")[0] ?? ""),
      peakRssBytes: readStatusBytes(child, "VmHWM") ?? Number.NaN,
    }));
    const blob = path.join(cacheDir, o.repoFolder, "blobs", o.sha256);
    if (statSync(blob).size !== o.sizeBytes) throw new Error(`agent blob ${blob} has the wrong size`);
    const startedAt = eventTime(start);
    return {
      seconds: (eventTime(ready) - startedAt) / 1000,
      peakRssBytes,
      rssAtStartBytes,
      peakBeforeStartBytes,
      rssAtQuartersBytes,
      cpuSeconds,
      children,
    };
  } finally {
    clearInterval(sampler);
    await agent.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
