// The reference downloads the agent is compared to, all fetching the same 2 GiB file
// from the same fake Hub (following its 302 to the CDN) into the same folder; over
// HTTPS, curl trusts the run's certificate through --cacert.
import { quote, runTimed } from "./shell";

export interface RefResult {
  seconds: number;
  /** Checked against the manifest's sha256 when the pipeline hashes. */
  sha256: string | null;
}

export interface RefTarget {
  url: string;
  /** The certificate to trust, for a hub over TLS. */
  cacert?: string;
}

export interface RefMethod {
  label: string;
  what: string;
  run(target: RefTarget, file: string): Promise<RefResult>;
}

const curl = ({ url, cacert }: RefTarget) =>
  `curl -sS -L --fail ${cacert ? `--cacert ${quote(cacert)} ` : ""}${quote(url)}`;
/**
 * Touches 2.5 GiB in a short-lived process and frees it: the next writer into the page
 * cache gets memory the guest still holds instead of pages it has reported free to the
 * hypervisor, which must be faulted back in (see the note in download.ts).
 */
const warmFreedMemory = `node -e 'Buffer.allocUnsafe(2560 * 2 ** 20).fill(1)'`;

/** The floor of the agent's own client: node:http or node:https, the redirect followed, the body read and dropped. */
const bareNodeClient = `
const [url, ca] = process.argv.slice(1);
const options = ca ? { ca: require("node:fs").readFileSync(ca) } : {};
const get = (u) =>
  require(u.startsWith("https:") ? "node:https" : "node:http")
    .get(u, options, (res) => {
      if (res.statusCode >= 300 && res.statusCode < 400) {
        res.resume();
        get(new URL(res.headers.location, u).href);
      } else if (res.statusCode === 200) res.on("data", () => {});
      else process.exit(1);
    })
    .on("error", () => process.exit(1));
get(url);
`;

export const refMethods: RefMethod[] = [
  {
    label: "curl",
    what: "curl -sSL -o FILE URL (curl's own %{time_total}): no hash, no fsync",
    async run(target, file) {
      const { stdout } = await runTimed(`${curl(target)} -o ${quote(file)} -w '%{time_total}'`);
      return { seconds: Number(stdout.trim()), sha256: null };
    },
  },
  {
    label: "curl, freed memory warmed first",
    what: "curl -sSL -o FILE URL right after a process touched and freed 2.5 GiB: curl's best case on a VM that hands freed memory back to its host",
    async run(target, file) {
      const { stdout } = await runTimed(`${warmFreedMemory} && ${curl(target)} -o ${quote(file)} -w '%{time_total}'`);
      return { seconds: Number(stdout.trim()), sha256: null };
    },
  },
  {
    label: "curl -o /dev/null",
    what: "curl -sSL -o /dev/null URL: the network alone, no write at all",
    async run(target) {
      const { stdout } = await runTimed(`${curl(target)} -o /dev/null -w '%{time_total}'`);
      return { seconds: Number(stdout.trim()), sha256: null };
    },
  },
  {
    label: "bare Node client, body discarded",
    what: "node:http(s).get following the redirect, every chunk dropped: what Node's own HTTP (and TLS) cost, with no agent around them",
    async run(target) {
      const { wallS } = await runTimed(
        `node -e ${quote(bareNodeClient)} ${quote(target.url)} ${quote(target.cacert ?? "")}`,
      );
      return { seconds: wallS, sha256: null };
    },
  },
  {
    label: "curl + fsync",
    what: "curl -sSL -o FILE URL && sync FILE: as durable as the agent's blob, still no hash",
    async run(target, file) {
      const { wallS } = await runTimed(`${curl(target)} -o ${quote(file)} && sync ${quote(file)}`);
      return { seconds: wallS, sha256: null };
    },
  },
  {
    label: "curl | tee | sha256sum",
    what: "curl -sSL URL | tee FILE | sha256sum: download + write + hash (coreutils, no SHA-NI)",
    async run(target, file) {
      const { wallS, stdout } = await runTimed(`${curl(target)} | tee ${quote(file)} | sha256sum`);
      return { seconds: wallS, sha256: stdout.split(" ")[0] ?? null };
    },
  },
  {
    label: "curl | tee | openssl sha256",
    what: "curl -sSL URL | tee FILE | openssl sha256: the same with OpenSSL's hash, which Node uses",
    async run(target, file) {
      const { wallS, stdout } = await runTimed(`${curl(target)} | tee ${quote(file)} | openssl sha256 -r`);
      return { seconds: wallS, sha256: stdout.split(" ")[0] ?? null };
    },
  },
];
