// Agent download throughput and memory: one 2 GiB GGUF from the fake Hub, fetched by
// the real agent and by curl-based references in the same run, over plain HTTP and over
// HTTPS (the case users meet), on loopback and paced to a fast real link. Rounds
// interleave every method, so drifting machine load hits them alike.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statfsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { promisify } from "node:util";
import { type FakeHub, type FixtureRepo, fixtureRepos, startFakeHub } from "../../tests/fake-hub";
import { makeLocalCertificate } from "../../tests/helpers/tls";
import { runAgentDownload } from "./agent-download";
import { type Cleanups, withCleanups } from "./cleanup";
import { type RefMethod, type RefTarget, refMethods } from "./download-refs";
import { buildDownloadPart, type DownloadResults, type LinkResults } from "./download-report";
import { readExitedChildrenCpuSeconds } from "./proc";
import type { Part } from "./report";
import { startStack } from "./stack";
import { fmt } from "./stats";

const repoId = "bench/big-GGUF";
const fileName = "big.Q4_K_M.gguf";
const sizeBytes = 2 * 1024 ** 3;
const neededDiskBytes = 5 * 1024 ** 3;
/** A fast real link (2 Gbit/s, above what one Hub download usually gets): the hub is paced to it. */
const linkBytesPerSecond = 250e6;

const bigRepo: FixtureRepo = {
  id: repoId,
  tags: ["gguf", "llama", "text-generation"],
  createdAt: "2026-01-01T00:00:00.000Z",
  lastModified: "2026-01-02T00:00:00.000Z",
  files: [{ path: fileName, kind: "binary", size: sizeBytes, lfs: true }],
};

const httpsRefs = refMethods.filter((m) =>
  ["curl", "curl -o /dev/null", "bare Node client, body discarded", "curl | tee | openssl sha256"].includes(m.label),
);

export async function measureDownload(opts: { rounds: number; pacedRounds: number }): Promise<Part> {
  return withCleanups(async (cleanups) => {
    const workDir = mkdtempSync(path.join(os.tmpdir(), "llmlb-bench-download-"));
    cleanups.add("remove download folder", () => rmSync(workDir, { recursive: true, force: true }));
    const free = statfsSync(workDir);
    const freeBytes = Number(free.bavail) * Number(free.bsize);
    if (freeBytes < neededDiskBytes) {
      throw new Error(`${workDir} has ${fmt.mb(freeBytes)} MB free; the download bench needs 5 GB`);
    }
    return buildDownloadPart(await runRounds(cleanups, workDir, opts));
  });
}

interface Link {
  name: "HTTP" | "HTTPS";
  hub: FakeHub;
  target: RefTarget;
  refs: RefMethod[];
  /** What the agent needs to reach this hub. */
  env: Record<string, string>;
  results: LinkResults;
  paced: LinkResults;
}

const emptyResults = (refs: RefMethod[]): LinkResults => ({
  agent: [],
  refs: refs.map((m) => ({ label: m.label, what: m.what, seconds: [], cpuSeconds: [] })),
});

async function runRounds(
  cleanups: Cleanups,
  workDir: string,
  { rounds, pacedRounds }: { rounds: number; pacedRounds: number },
): Promise<DownloadResults> {
  const loadBefore = os.loadavg()[0];
  const stack = await startStack(cleanups, { database: "pglite", repos: [...fixtureRepos, bigRepo] });
  // The same repository over TLS, with a certificate made for this run; the server
  // registers from the plain hub, and the agent downloads the same commit from this one.
  const cert = makeLocalCertificate();
  cleanups.add("remove certificate", cert.remove);
  const tlsHub = await startFakeHub({ repos: [bigRepo], tls: cert });
  cleanups.add("close TLS hub", () => tlsHub.close());
  // Hash once up front: registration would otherwise wait for the hub's lazy 2 GiB hash.
  const info = stack.hub.getFile(repoId, fileName);
  if (!info || tlsHub.getFile(repoId, fileName)?.sha256 !== info.sha256) throw new Error("big fixture missing");
  await stack.api("/api/models/register", { method: "POST", body: JSON.stringify({ repo: repoId }) });
  const nodeKey = await stack.createKey("node");
  const resolvePath = `/${repoId}/resolve/main/${fileName}`;
  const links: Link[] = [
    {
      name: "HTTP",
      hub: stack.hub,
      target: { url: `${stack.hub.url}${resolvePath}` },
      refs: refMethods,
      env: {},
      results: emptyResults(refMethods),
      paced: emptyResults(refMethods.slice(0, 1)),
    },
    {
      name: "HTTPS",
      hub: tlsHub,
      target: { url: `${tlsHub.url}${resolvePath}`, cacert: cert.certFile },
      refs: httpsRefs,
      env: { NODE_EXTRA_CA_CERTS: cert.certFile },
      results: emptyResults(httpsRefs),
      paced: emptyResults(httpsRefs.slice(0, 1)),
    },
  ];

  let runs = 0;
  const runAgent = async (link: Link) => {
    // Each method starts with no dirty pages of the previous one waiting to be written.
    execFileSync("sync");
    return runAgentDownload({
      serverUrl: stack.server.url,
      hubUrl: link.hub.url,
      nodeKey,
      workDir,
      name: `bench-download-${runs++}`,
      model: `hf/${repoId}`,
      sizeBytes,
      sha256: info.sha256,
      repoFolder: `models--${repoId.replace("/", "--")}`,
      env: link.env,
    });
  };
  const runRef = async (link: Link, method: RefMethod) => {
    const file = path.join(workDir, "curl.gguf");
    execFileSync("sync");
    const cpuBefore = readExitedChildrenCpuSeconds();
    try {
      const r = await method.run(link.target, file);
      if (r.sha256 !== null && r.sha256 !== info.sha256) throw new Error(`${method.label}: wrong sha256 ${r.sha256}`);
      return { seconds: r.seconds, cpuSeconds: readExitedChildrenCpuSeconds() - cpuBefore };
    } finally {
      // Deleting at once drops the dirty pages instead of writing them back under the next run.
      rmSync(file, { force: true });
    }
  };
  const runAll = async (link: Link, into: LinkResults, refs: RefMethod[], tag: string) => {
    const run = await runAgent(link);
    into.agent.push(run);
    console.log(`  ${tag} ${link.name}: agent ${fmt.num(run.seconds, 2)} s, ${fmt.num(run.cpuSeconds, 2)} CPU s`);
    for (const [i, method] of refs.entries()) {
      const r = await runRef(link, method);
      into.refs[i].seconds.push(r.seconds);
      into.refs[i].cpuSeconds.push(r.cpuSeconds);
      console.log(`  ${tag} ${link.name}: ${method.label} ${fmt.num(r.seconds, 2)} s`);
    }
  };

  for (let round = 0; round < rounds; round++) {
    for (const link of links) await runAll(link, link.results, link.refs, `round ${round + 1}`);
  }
  for (const link of links) link.hub.setThrottle(linkBytesPerSecond);
  for (let round = 0; round < pacedRounds; round++) {
    for (const link of links) await runAll(link, link.paced, link.refs.slice(0, 1), `paced round ${round + 1}`);
  }
  for (const link of links) link.hub.setThrottle(null);
  const [http, https] = links;
  return {
    sizeBytes,
    linkBytesPerSecond,
    load: [loadBefore, os.loadavg()[0]],
    rounds,
    http: http.results,
    https: { ...https.results, tls: await describeTls(https.target) },
    paced: { http: http.paced, https: https.paced },
  };
}

/** The protocol and cipher each client negotiates with the TLS hub. */
async function describeTls(target: RefTarget): Promise<string> {
  const args = ["-sS", "-v", "--cacert", target.cacert ?? "", "-r", "0-0", "-o", "/dev/null", target.url];
  // Asynchronous: the hub answering the handshake runs in this process.
  const { stderr: verbose } = await promisify(execFile)("curl", args, { encoding: "utf8" });
  const curl = /SSL connection using (.+)/.exec(verbose)?.[1]?.trim() ?? "unknown";
  const url = new URL(target.url);
  const node = await new Promise<string>((resolve, reject) => {
    const socket = tls.connect(
      { host: url.hostname, port: Number(url.port), ca: readFileSync(target.cacert ?? "") },
      () => {
        resolve(`${socket.getProtocol()} / ${socket.getCipher().standardName}`);
        socket.end();
      },
    );
    socket.once("error", reject);
  });
  return `curl: ${curl}; Node (the agent): ${node}`;
}
