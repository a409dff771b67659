// The reference downloads the agent is compared to, all fetching the same 2 GiB file
// from the same fake Hub (following its 302 to the CDN) into the same folder.
import { quote, runTimed } from "./shell";

export interface RefResult {
  seconds: number;
  /** Checked against the manifest's sha256 when the pipeline hashes. */
  sha256: string | null;
}

export interface RefMethod {
  label: string;
  what: string;
  run(url: string, file: string): Promise<RefResult>;
}

const curl = (url: string) => `curl -sS -L --fail ${quote(url)}`;

export const refMethods: RefMethod[] = [
  {
    label: "curl",
    what: "curl -sSL -o FILE URL (curl's own %{time_total}): no hash, no fsync",
    async run(url, file) {
      const { stdout } = await runTimed(`${curl(url)} -o ${quote(file)} -w '%{time_total}'`);
      return { seconds: Number(stdout.trim()), sha256: null };
    },
  },
  {
    label: "curl + fsync",
    what: "curl -sSL -o FILE URL && sync FILE: as durable as the agent's blob, still no hash",
    async run(url, file) {
      const { wallS } = await runTimed(`${curl(url)} -o ${quote(file)} && sync ${quote(file)}`);
      return { seconds: wallS, sha256: null };
    },
  },
  {
    label: "curl | tee | sha256sum",
    what: "curl -sSL URL | tee FILE | sha256sum: download + write + hash (coreutils, no SHA-NI)",
    async run(url, file) {
      const { wallS, stdout } = await runTimed(`${curl(url)} | tee ${quote(file)} | sha256sum`);
      return { seconds: wallS, sha256: stdout.split(" ")[0] ?? null };
    },
  },
  {
    label: "curl | tee | openssl sha256",
    what: "curl -sSL URL | tee FILE | openssl sha256: the same with OpenSSL's hash, which Node uses",
    async run(url, file) {
      const { wallS, stdout } = await runTimed(`${curl(url)} | tee ${quote(file)} | openssl sha256 -r`);
      return { seconds: wallS, sha256: stdout.split(" ")[0] ?? null };
    },
  },
];
