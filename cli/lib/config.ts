// Resolves `llmlb node run` settings from flags, then environment, then defaults, and
// rejects bad values up front (exit 1; a missing key exits 6) so the agent never
// starts half-configured.
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_CONTEXT } from "../../lib/api/memory-need";
import { announceNodeSchema, modelFormatSchema } from "../../lib/api/node-schemas";
import packageJson from "../../package.json";
import { CliError, ExitCode } from "./exit-codes";

export type ModelFormat = z.infer<typeof modelFormatSchema>;
export interface Gpu {
  name: string;
  memory_bytes: number;
}

/** What commander hands over; every value may also come from the environment. */
export interface NodeRunFlags {
  url?: string;
  apiKey?: string;
  hfEndpoint?: string;
  cacheDir?: string;
  name?: string;
  formats?: string;
  runtime?: string[];
  reserveDisk?: string;
  pollWait?: string;
  downloads?: string;
}

export interface NodeRunConfig {
  url: string;
  apiKey: string;
  hfEndpoint: string;
  /** Only from the environment: a flag would show up in `ps` and shell history. */
  hfToken: string | null;
  cacheDir: string;
  name: string;
  formats: ModelFormat[];
  runtimes: string[];
  gpus: Gpu[];
  /** Tokens of context the node serves models at: variants are chosen by their need at it (LLMLB_NODE_CONTEXT). */
  context: number;
  /** System memory models may use: LLMLB_NODE_MEMORY (say "48G", to leave room for other work), else all of it. */
  memoryBytes: number;
  reserveDiskBytes: number;
  pollWaitS: number;
  /** File transfers at once (a file waiting to retry holds none). */
  downloads: number;
  stallTimeoutMs: number;
  agentVersion: string;
}

type Env = Record<string, string | undefined>;

const DEFAULT_URL = "http://localhost:3000";
const DEFAULT_HF_ENDPOINT = "https://huggingface.co";
const DEFAULT_FORMATS = "gguf,safetensors,onnx";
const DEFAULT_STALL_TIMEOUT_MS = 60_000;
const DEFAULT_DOWNLOADS = "3";
const gpusSchema = z.array(z.object({ name: z.string().min(1), memory_bytes: z.number().int().nonnegative() }));

const configError = (message: string) => new CliError(message, ExitCode.usage);
// An empty variable (`LLMLB_API_KEY= llmlb …`) means "unset", as in most CLIs.
export const pick = (...values: (string | undefined)[]) =>
  values.find((v) => v !== undefined && v.trim() !== "")?.trim();

export function parseBaseUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw configError(`${what} must be http(s): ${value}`);
  return url.href.replace(/\/+$/, "");
}

/**
 * What must never be printed of a configuration: the keys, the token, and the password of a
 * URL that carries one (a mirror behind HF_ENDPOINT with basic auth), as typed and decoded.
 */
export function secretsOf(config: Pick<NodeRunConfig, "apiKey" | "hfToken" | "url" | "hfEndpoint">): string[] {
  const secrets = [config.apiKey, config.hfToken];
  for (const value of [config.url, config.hfEndpoint]) {
    const { password } = new URL(value);
    if (password) secrets.push(password, decodeURIComponent(password));
  }
  return secrets.filter((s): s is string => Boolean(s));
}

/** Bytes, or a number with a K/M/G/T suffix in powers of 1024 (`50G` = 50 GiB). */
export function parseByteSize(value: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(value.trim());
  if (!match) throw configError(`${what} must be a number of bytes, like 1073741824 or 50G: ${value}`);
  const power = " KMGT".indexOf(match[2].toUpperCase() || " ");
  const bytes = Math.floor(Number(match[1]) * 1024 ** power);
  if (!Number.isSafeInteger(bytes)) throw configError(`${what} is too large: ${value}`);
  return bytes;
}

function parseFormats(value: string): ModelFormat[] {
  const formats: ModelFormat[] = [];
  for (const raw of value.split(",").map((s) => s.trim().toLowerCase())) {
    if (!raw) continue;
    const parsed = modelFormatSchema.safeParse(raw);
    if (!parsed.success) throw configError(`unknown format "${raw}" in --formats: use gguf, safetensors, onnx, metal`);
    if (!formats.includes(parsed.data)) formats.push(parsed.data);
  }
  if (formats.length === 0) throw configError("--formats lists no format");
  return formats;
}

function parseGpus(value: string | undefined): Gpu[] {
  if (!value) return [];
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw configError('LLMLB_NODE_GPUS must be JSON like [{"name":"RTX 4090","memory_bytes":25757220864}]');
  }
  const parsed = gpusSchema.safeParse(json);
  if (!parsed.success) throw configError(`LLMLB_NODE_GPUS: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

function parseInteger(value: string, what: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw configError(`${what} must be an integer from ${min} to ${max}`);
  return n;
}

/** huggingface_hub's order: HF_HUB_CACHE, then $HF_HOME/hub, then $XDG_CACHE_HOME/huggingface/hub. */
export function defaultCacheDir(env: Env): string {
  const hub = pick(env.HF_HUB_CACHE);
  if (hub) return hub;
  const home =
    pick(env.HF_HOME) ?? path.join(pick(env.XDG_CACHE_HOME) ?? path.join(os.homedir(), ".cache"), "huggingface");
  return path.join(home, "hub");
}

export function resolveNodeRunConfig(flags: NodeRunFlags, env: Env): NodeRunConfig {
  const apiKey = pick(flags.apiKey, env.LLMLB_API_KEY);
  if (!apiKey) {
    throw new CliError(
      "LLMLB_API_KEY is not set: create a node key in the console (API keys page) or with POST /api/keys, then run LLMLB_API_KEY=llmlb_… llmlb node run",
      ExitCode.auth,
    );
  }
  const formats = parseFormats(pick(flags.formats, env.LLMLB_NODE_FORMATS) ?? DEFAULT_FORMATS);
  const name = pick(flags.name, env.LLMLB_NODE_NAME) ?? os.hostname();
  const nameCheck = announceNodeSchema.shape.name.safeParse(name);
  if (!nameCheck.success) throw configError(`node name "${name}": ${nameCheck.error.issues[0]?.message}; set --name`);
  const runtimes = flags.runtime?.length ? flags.runtime : [formats[0] === "gguf" ? "llama.cpp" : "vllm"];
  const reserve = pick(flags.reserveDisk, env.LLMLB_NODE_RESERVE_DISK);
  const stall = pick(env.LLMLB_STALL_TIMEOUT_MS);
  const memory = pick(env.LLMLB_NODE_MEMORY);
  return {
    url: parseBaseUrl(pick(flags.url, env.LLMLB_URL) ?? DEFAULT_URL, "LLMLB_URL"),
    apiKey,
    hfEndpoint: parseBaseUrl(pick(flags.hfEndpoint, env.HF_ENDPOINT) ?? DEFAULT_HF_ENDPOINT, "HF_ENDPOINT"),
    hfToken: pick(env.HF_TOKEN) ?? null,
    cacheDir: path.resolve(pick(flags.cacheDir) ?? defaultCacheDir(env)),
    name: nameCheck.data,
    formats,
    runtimes,
    gpus: parseGpus(pick(env.LLMLB_NODE_GPUS)),
    context: parseInteger(pick(env.LLMLB_NODE_CONTEXT) ?? String(DEFAULT_CONTEXT), "LLMLB_NODE_CONTEXT", 1, 10_000_000),
    memoryBytes: memory ? parseByteSize(memory, "LLMLB_NODE_MEMORY") : os.totalmem(),
    reserveDiskBytes: reserve ? parseByteSize(reserve, "--reserve-disk") : 0,
    pollWaitS: parseInteger(pick(flags.pollWait) ?? "25", "--poll-wait", 0, 300),
    downloads: parseInteger(pick(flags.downloads, env.LLMLB_NODE_DOWNLOADS) ?? DEFAULT_DOWNLOADS, "--downloads", 1, 16),
    stallTimeoutMs: stall ? parseInteger(stall, "LLMLB_STALL_TIMEOUT_MS", 1, 3_600_000) : DEFAULT_STALL_TIMEOUT_MS,
    agentVersion: packageJson.version,
  };
}
