// Server and key of the model commands (flags over LLMLB_URL / LLMLB_API_KEY), and the
// one translation of API failures into messages and exit codes.
import { type Command, Option } from "commander";
import { ApiClient, ApiClientError } from "./api-client";
import { parseBaseUrl, pick } from "./config";
import { CliError, ExitCode, type ExitCodeValue } from "./exit-codes";
import { ModelApi } from "./model-api";

export interface ConnectionFlags {
  url?: string;
  apiKey?: string;
}

type Env = Record<string, string | undefined>;

const DEFAULT_URL = "http://localhost:3000";

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--url <url>", "llmlb server (env LLMLB_URL, default http://localhost:3000)"))
    .addOption(new Option("--api-key <key>", "API key (env LLMLB_API_KEY; prefer the variable: flags show in ps)"));
}

export function resolveConnection(flags: ConnectionFlags, env: Env): { url: string; apiKey: string } {
  let url: string;
  try {
    url = parseBaseUrl(pick(flags.url, env.LLMLB_URL) ?? DEFAULT_URL, "LLMLB_URL");
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.usage);
  }
  const apiKey = pick(flags.apiKey, env.LLMLB_API_KEY);
  if (!apiKey) {
    throw new CliError(
      "LLMLB_API_KEY is not set: create a key in the console (API keys page; admin scope to add or remove models, reader to look), then export LLMLB_API_KEY=llmlb_…",
      ExitCode.auth,
    );
  }
  return { url, apiKey };
}

/** Runs `fn` against the configured server; every API failure leaves as a CliError. */
export async function withModelApi<T>(flags: ConnectionFlags, fn: (api: ModelApi) => Promise<T>): Promise<T> {
  const { url, apiKey } = resolveConnection(flags, process.env);
  try {
    return await fn(new ModelApi(new ApiClient({ baseUrl: url, apiKey })));
  } catch (err) {
    throw toCliError(err, redactUrl(url));
  }
}

/** A URL fit for output: credentials in it (`https://user:pass@host`) are dropped. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.href.replace(/\/+$/, "");
  } catch {
    return url;
  }
}

export function toCliError(err: unknown, baseUrl: string): unknown {
  if (!(err instanceof ApiClientError)) return err;
  if (err.status === 0) {
    if (err.code === "unreachable") {
      return new CliError(`cannot reach llmlb at ${baseUrl}: ${err.reason} (check LLMLB_URL or --url)`, ExitCode.usage);
    }
    return new CliError(err.message, ExitCode.usage);
  }
  if (err.status === 401 || err.status === 403) return new CliError(err.message, ExitCode.auth);
  // A 404 page from some other web server is a wrong URL, not a missing model.
  if (!err.fromServer) return new CliError(`${err.message}: is ${baseUrl} an llmlb server?`, ExitCode.usage);
  return new CliError(err.message, exitCodeFor(err.status));
}

function exitCodeFor(status: number): ExitCodeValue {
  if (status === 404) return ExitCode.notFound;
  if (status === 409) return ExitCode.conflict;
  if (status === 422 || status === 424) return ExitCode.hub;
  return ExitCode.usage;
}

/**
 * Registered names are `hf/owner/repo[/file]`; `owner/repo[/file]` is accepted as a
 * shorthand (a name has at least three parts, so `hf/x` is the repo `hf/x`).
 */
export function toModelName(input: string): string {
  const name = input.trim().replace(/^\/+|\/+$/g, "");
  if (!name) throw new CliError("the model name is empty", ExitCode.usage);
  return /^hf\//i.test(name) && name.split("/").length >= 3 ? name : `hf/${name}`;
}
