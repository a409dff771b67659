import "server-only";
import { parseSafetensorsMetadata } from "@huggingface/hub";
import { getHfEndpoint, getHfTimeoutMs, getHfToken, hideUrlCredentials } from "./config";
import { readGgufFacts } from "./gguf-header";
import { HeaderReadError } from "./header-read-error";

export { HeaderReadError } from "./header-read-error";

// What a model is, read from the Hub without its weights (issue 14, docs/fit.md): config.json
// and the headers of weight files, through Hugging Face's own parsers (@huggingface/gguf,
// @huggingface/hub), given a fetch that keeps the Hub client's rules and the read caps:
// requests start at HF_ENDPOINT only, HF_TOKEN goes to that host only (never to the CDN a
// file redirects to), one deadline for every read, and no more than the caps below, ever.

/** Most bytes read from one file: a GGUF header with a 256k vocabulary is under 10 MB. */
export const maxHeaderBytesPerFile = 16 * 1024 * 1024;
/** Most bytes read for one registration, every file together. */
export const maxHeaderBytesPerModel = 32 * 1024 * 1024;
/** config.json is a small text file: a real one is a few KB. */
export const maxConfigBytes = 1024 * 1024;
const maxRedirects = 3;
/** Says who reads, in the Hub's logs (and the fake hub's request log in tests). */
const userAgent = "llmlb-server/weight-headers";

/** One registration's reads: the caps and deadline they share, and what they cost. */
export class HeaderReader {
  readonly perFile = new Map<string, number>();
  bytes = 0;
  requests = 0;
  private readonly deadline: AbortSignal;
  private readonly origin: string;
  private readonly endpoint: string;

  constructor(
    private readonly repo: string,
    private readonly commit: string,
    opts: { timeoutMs?: number } = {},
  ) {
    this.endpoint = getHfEndpoint();
    this.origin = new URL(this.endpoint).origin;
    this.deadline = AbortSignal.timeout(opts.timeoutMs ?? getHfTimeoutMs());
  }

  /** The URL of one file of the pinned commit on HF_ENDPOINT. */
  fileUrl(path: string): string {
    const encoded = path.split("/").map(encodeURIComponent).join("/");
    return `${this.endpoint}/${this.repo}/resolve/${this.commit}/${encoded}`;
  }

  /** A fetch for the parsers: bounded, HF_ENDPOINT first, the token to that host only. */
  readonly fetch = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    let url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (url.origin !== this.origin) throw new HeaderReadError(`a parser asked for ${url.host}, not the Hub; refused`);
    const file = fileOf(url);
    const headers = new Headers(init?.headers);
    // Xet file info would send the parser to Xet's own servers: ask for plain bytes, as any client may.
    headers.set("accept", "*/*");
    headers.set("user-agent", userAgent);
    const token = getHfToken();
    const method = init?.method ?? "GET";
    for (let hop = 0; ; hop++) {
      if (this.deadline.aborted) throw this.timedOut();
      if (token && url.origin === this.origin) headers.set("authorization", `Bearer ${token}`);
      else headers.delete("authorization");
      this.requests++;
      let res: Response;
      try {
        res = await fetch(url, { method, headers, redirect: "manual", signal: this.deadline });
      } catch (error) {
        if (this.deadline.aborted) throw this.timedOut();
        throw new HeaderReadError(
          `could not reach the Hub for ${file} (${hideUrlCredentials((error as Error).message)})`,
          true,
        );
      }
      if ([301, 302, 303, 307, 308].includes(res.status)) {
        await res.body?.cancel().catch(() => {});
        const location = res.headers.get("location");
        if (!location || hop >= maxRedirects) throw new HeaderReadError(`the Hub redirected ${file} too often`);
        url = new URL(location, url);
        // https, or http where the Hub itself is (a test hub, a local mirror).
        if (url.protocol !== "https:" && url.protocol !== new URL(this.endpoint).protocol) {
          throw new HeaderReadError(`the Hub redirected ${file} to ${url.protocol}; refused`);
        }
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel().catch(() => {});
        throw new HeaderReadError(
          getHfToken()
            ? `Hugging Face refused to serve ${file} to this server's HF_TOKEN (gated or private)`
            : `${file} is gated or private on Hugging Face and this server has no HF_TOKEN`,
          true,
        );
      }
      if (res.status >= 500 || res.status === 429) {
        await res.body?.cancel().catch(() => {});
        throw new HeaderReadError(`the Hub answered ${res.status} for ${file}`, true);
      }
      // Asked for part of a file, sent all of it: reading on would fetch the weights.
      const asked = rangeLength(headers.get("range"));
      const length = Number(res.headers.get("content-length") ?? Number.NaN);
      if (asked !== null && res.status === 200 && !(length <= asked)) {
        await res.body?.cancel().catch(() => {});
        throw new HeaderReadError(`the Hub sent the whole of ${file} when asked for part of it; refused`);
      }
      const body = method === "HEAD" || !res.body ? null : await this.readBody(res, file);
      return new Response(body && res.status !== 204 && res.status !== 304 ? body : null, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    }
  }) as typeof fetch;

  private timedOut(): HeaderReadError {
    return new HeaderReadError(`reading the weight headers took longer than ${getHfTimeoutMs() / 1000} s`, true);
  }

  private async readBody(res: Response, file: string): Promise<Buffer<ArrayBuffer>> {
    const reader = res.body?.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        this.bytes += value.byteLength;
        const forFile = (this.perFile.get(file) ?? 0) + value.byteLength;
        this.perFile.set(file, forFile);
        if (file === "config.json" && forFile > maxConfigBytes) {
          throw new HeaderReadError(`config.json is larger than the ${mb(maxConfigBytes)} read of it`);
        }
        if (forFile > maxHeaderBytesPerFile) {
          throw new HeaderReadError(
            `the header of ${file} is larger than the ${mb(maxHeaderBytesPerFile)} read per file`,
          );
        }
        if (this.bytes > maxHeaderBytesPerModel) {
          throw new HeaderReadError(`the headers are larger than the ${mb(maxHeaderBytesPerModel)} read per model`);
        }
        chunks.push(value);
      }
    } catch (error) {
      await reader?.cancel().catch(() => {});
      if (error instanceof HeaderReadError) throw error;
      if (this.deadline.aborted) throw this.timedOut();
      throw new HeaderReadError(`the Hub stopped sending ${file}`, true);
    }
    return Buffer.concat(chunks, total) as Buffer<ArrayBuffer>;
  }

  /** A small text file of the commit as JSON (config.json), or null when the repository has none. */
  async readJson(path: string): Promise<unknown> {
    const res = await this.fetch(this.fileUrl(path));
    if (res.status === 404) return null;
    if (!res.ok) throw new HeaderReadError(`the Hub answered ${res.status} for ${path}`);
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new HeaderReadError(`${path} is not valid JSON`);
    }
  }

  /**
   * A GGUF variant's header: the first file's metadata, and the parameters of every file's
   * tensor table (a split model's shards each hold some of the tensors).
   */
  async readGguf(files: string[]): Promise<{ metadata: Record<string, unknown>; parameters: number }> {
    const parsed = await Promise.all(
      files.map((path) => readGgufFacts((start, end) => this.readRange(path, start, end), path, maxHeaderBytesPerFile)),
    );
    const metadata = parsed[0]?.metadata;
    if (!metadata) throw new HeaderReadError("the variant has no GGUF file");
    return { metadata, parameters: parsed.reduce((sum, p) => sum + p.parameters, 0) };
  }

  /** Bytes [start, end) of one file of the commit (fewer at its end), through the bounded fetch. */
  private async readRange(path: string, start: number, end: number): Promise<Uint8Array> {
    const res = await this.fetch(this.fileUrl(path), { headers: { range: `bytes=${start}-${end - 1}` } });
    if (res.status === 416) return new Uint8Array(0);
    if (res.status !== 206 && res.status !== 200)
      throw new HeaderReadError(`the Hub answered ${res.status} for ${path}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    // A server that ignores Range sends the file from its start (the cap stopped it early).
    return res.status === 200 ? bytes.subarray(start, end) : bytes;
  }

  /** A safetensors variant's headers (one file, or an index and its shards): parameters by dtype. */
  async readSafetensors(path: string): Promise<{ parameters: number; byDtype: Record<string, number> }> {
    try {
      const parsed = await parseSafetensorsMetadata({
        repo: { type: "model", name: this.repo },
        revision: this.commit,
        hubUrl: this.endpoint,
        path,
        fetch: this.fetch,
        computeParametersCount: true,
      });
      const byDtype = Object.fromEntries(
        Object.entries(parsed.parameterCount).filter((e): e is [string, number] => typeof e[1] === "number"),
      );
      const parameters = parsed.parameterTotal ?? Object.values(byDtype).reduce((a, b) => a + b, 0);
      return { parameters, byDtype };
    } catch (error) {
      if (error instanceof HeaderReadError) throw error;
      if (this.deadline.aborted) throw this.timedOut();
      throw new HeaderReadError(`${path} has no readable safetensors header (${shortMessage(error)})`);
    }
  }
}

/** The file a resolve URL names (`/{owner}/{repo}/resolve/{commit}/{path}`), for caps and messages. */
function fileOf(url: URL): string {
  const at = url.pathname.indexOf("/resolve/");
  if (at === -1) return url.pathname;
  const rest = url.pathname
    .slice(at + "/resolve/".length)
    .split("/")
    .slice(1)
    .join("/");
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}

/** The bytes `bytes=a-b` asks for; null without a Range header (or one of another form). */
function rangeLength(range: string | null): number | null {
  const m = range ? /^bytes=(\d+)-(\d+)$/.exec(range.trim()) : null;
  return m ? Number(m[2]) - Number(m[1]) + 1 : null;
}

const mb = (bytes: number) => `${bytes / 1024 / 1024} MB`;

function shortMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return hideUrlCredentials(text).replace(/\s+/g, " ").slice(0, 200);
}
