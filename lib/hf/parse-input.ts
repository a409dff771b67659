import { hasControlCharacters } from "@/lib/api/control-chars";
import { ApiError } from "../api/errors";
import { describePathProblem, quote, tryDecode } from "./path-rules";

export interface ModelRef {
  /** "owner/repo", or a legacy single-part id like "gpt2" (the Hub redirects it to its canonical id). Casing as typed. */
  repo: string;
  /** Revision as asked: branch, tag, 40-hex commit or "refs/pr/N"; "main" when none. Decoded (never %2F). */
  revision: string;
  /** Path inside the repo for a single-file registration, else null. Decoded, no leading slash. */
  filename: string | null;
  /** Quantization from the "owner/repo:Q4_K_M" shorthand, upper-cased, else null. */
  quant: string | null;
}

const MAX_INPUT_LENGTH = 2048;
const MAX_FILENAME_LENGTH = 1024;
const MAX_REVISION_LENGTH = 256;
const MAX_NAME_LENGTH = 96;
const HF_HOSTS = ["huggingface.co", "www.huggingface.co", "hf.co", "www.hf.co"];
const FILE_KEYWORDS = new Set(["blob", "resolve", "raw"]);
// First path parts the Hub uses for its own pages; never an owner, never a legacy id.
const RESERVED_WORDS = new Set([
  ..."models datasets spaces docs api settings organizations collections blog".split(" "),
  ..."papers pricing join login new tasks learn chat enterprise".split(" "),
]);
const QUANT_RE = /^[A-Za-z0-9_.-]+$/;
const EXPECTED_FORMS =
  'expected "owner/repo", optionally followed by /tree/{revision}, /blob/{revision}/{path}, ' +
  "/resolve/{revision}/{path} or /raw/{revision}/{path}";

function reject(message: string): never {
  throw new ApiError("invalid_input", message);
}

function describeNameProblem(part: string): string | null {
  if (part === "") return "it is empty";
  if (part.length > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  const bad = /[^A-Za-z0-9_.-]/.exec(part);
  if (bad) return `${JSON.stringify(bad[0])} is not allowed (use letters, digits, '-', '_' or '.')`;
  if (part.includes("--")) return "'--' is not allowed";
  if (part.includes("..")) return "'..' is not allowed";
  if (/^[-.]|[-.]$/.test(part)) return "it can't start or end with '-' or '.'";
  if (part.endsWith(".git")) return "it can't end with '.git'";
  return null;
}

export function isValidRepoId(id: string): boolean {
  if (typeof id !== "string") return false;
  const parts = id.split("/");
  return parts.length <= 2 && parts.every((part) => describeNameProblem(part) === null);
}

function checkName(part: string, kind: "owner" | "repository"): void {
  const problem = describeNameProblem(part);
  if (problem) reject(`${quote(part)} is not a valid ${kind} name: ${problem}`);
}

// git check-ref-format rules, which the Hub applies to branch and tag names.
function describeRevisionProblem(rev: string): string | null {
  if (rev === "") return "it is empty";
  if (rev.length > MAX_REVISION_LENGTH) return `it is longer than ${MAX_REVISION_LENGTH} characters`;
  if (rev.startsWith("refs/pr/"))
    return /^refs\/pr\/\d+$/.test(rev) ? null : "refs/pr/ must be followed by a PR number";
  if (hasControlCharacters(rev)) return "it contains control characters";
  if (!rev.isWellFormed()) return "it is not valid Unicode (it has a lone surrogate)";
  if (/\s/.test(rev)) return "it contains whitespace";
  if (rev.includes("..")) return "'..' is not allowed";
  if (/[~^:?*[\\]/.test(rev)) return "'~', '^', ':', '?', '*', '[' and '\\' are not allowed";
  if (/^\/|\/$|\/\//.test(rev)) return "it can't start or end with '/' or contain '//'";
  if (rev.split("/").some((c) => c.startsWith(".") || c.endsWith(".lock"))) {
    return "no part of it may start with '.' or end with '.lock'";
  }
  if (rev.endsWith(".") || rev.includes("@{") || rev === "@") return "it can't end with '.', contain '@{' or be '@'";
  return null;
}

function checkFilename(path: string): string {
  const problem = describePathProblem(path, MAX_FILENAME_LENGTH);
  if (problem) reject(problem);
  return path;
}

export function validateFilename(path: string): string {
  return checkFilename(typeof path === "string" ? path.trim() : "");
}

function collectAllowedHosts(endpoint: string): Set<string> {
  const hosts = new Set(HF_HOSTS);
  try {
    hosts.add(new URL(endpoint).host.toLowerCase());
  } catch {
    // A malformed HF_ENDPOINT only loses its own host; the public Hub hosts still work.
  }
  return hosts;
}

function cutQueryAndFragment(text: string): string {
  const end = text.search(/[?#]/);
  return end === -1 ? text : text.slice(0, end);
}

function looksLikeHost(segment: string, allowed: Set<string>): boolean {
  const lower = segment.toLowerCase();
  return (
    allowed.has(lower) ||
    lower.includes("@") ||
    /^[^:]+:\d+$/.test(lower) ||
    /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}\.?$/.test(lower)
  );
}

/** Returns the path after the host (no leading '/', no query or fragment) after checking the host. */
function extractPath(text: string, endpoint: string): string {
  const allowed = collectAllowedHosts(endpoint);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  let schemeName = "https";
  let rest = text;
  if (scheme) {
    schemeName = scheme[1].toLowerCase();
    rest = text.slice(scheme[0].length);
    if (schemeName === "hf") return cutQueryAndFragment(rest);
    if (schemeName !== "http" && schemeName !== "https") {
      reject(`Unsupported URL scheme "${scheme[1]}://": use an https://huggingface.co/... URL or "owner/repo"`);
    }
  } else if (!looksLikeHost(text.split(/[/?#]/, 1)[0], allowed)) {
    if (text.startsWith("/")) reject(`${quote(text)} starts with '/': ${EXPECTED_FORMS}`);
    return cutQueryAndFragment(text);
  }
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  if (authority.includes("@")) {
    // Never echo the authority back: it may hold a pasted password or token.
    reject("URLs with a user name or password before '@' are not accepted");
  }
  let host: string;
  try {
    host = new URL(`${schemeName}://${authority}`).host.toLowerCase();
  } catch {
    reject(`${quote(text)} is not a valid URL`);
  }
  if (!allowed.has(host)) {
    reject(`${quote(host)} is not a Hugging Face host: only URLs on ${[...allowed].join(", ")} are accepted`);
  }
  const path = cutQueryAndFragment(end === -1 ? "" : rest.slice(end));
  return path.startsWith("/") ? path.slice(1) : path;
}

function splitQuant(token: string): { name: string; quant: string | null } {
  const colon = token.indexOf(":");
  if (colon === -1) return { name: token, quant: null };
  const quant = token.slice(colon + 1);
  if (!QUANT_RE.test(quant)) {
    reject(`${quote(quant)} is not a valid quantization: use letters, digits, '_', '.' or '-' as in ":Q4_K_M"`);
  }
  return { name: token.slice(0, colon), quant: quant.toUpperCase() };
}

function checkNotReserved(first: string, original: string): void {
  const word = first.toLowerCase();
  if (word === "datasets" || word === "spaces") {
    const kind = word === "datasets" ? "Datasets" : "Spaces";
    reject(`${kind} are not models: only model repositories can be registered (got ${quote(original)})`);
  }
  if (RESERVED_WORDS.has(word)) {
    reject(`${quote(original)} is not a model repository: "/${first}" is a Hugging Face site page; ${EXPECTED_FORMS}`);
  }
}

function parsePath(rawPath: string, original: string): ModelRef {
  const trailingSlash = rawPath.endsWith("/");
  const path = trailingSlash ? rawPath.slice(0, -1) : rawPath;
  if (path === "") reject(`${quote(original)} doesn't name a model repository: ${EXPECTED_FORMS}`);
  const shown = quote(original);
  const malformed = `${shown} contains malformed percent-encoding (a '%' not followed by two hex digits)`;
  const queue = path.split("/").map((segment) => tryDecode(segment) ?? reject(malformed));
  // Names and file paths treat %2F as '/', so an encoded segment is split on demand.
  const takeToken = (): string | undefined => {
    const head = queue.shift();
    const slash = head === undefined ? -1 : head.indexOf("/");
    if (head === undefined || slash === -1) return head;
    queue.unshift(head.slice(slash + 1));
    return head.slice(0, slash);
  };

  let first = takeToken() ?? "";
  if (first.toLowerCase() === "models" && queue.length > 0) first = takeToken() ?? "";
  checkNotReserved(first, original);
  const second = takeToken();
  if (second === undefined) {
    const legacy = splitQuant(first);
    checkName(legacy.name, "repository");
    return { repo: legacy.name, revision: "main", filename: null, quant: legacy.quant };
  }
  checkName(first, "owner");
  const { name, quant } = splitQuant(second);
  checkName(name, "repository");
  const repo = `${first}/${name}`;
  const keyword = takeToken();
  if (keyword === undefined) return { repo, revision: "main", filename: null, quant };
  if (keyword !== "tree" && !FILE_KEYWORDS.has(keyword)) reject(`${shown} has more than two parts: ${EXPECTED_FORMS}`);
  if (quant !== null) reject(`The ":${quant}" quantization shorthand works on "owner/repo" only, not /${keyword}/`);

  // A revision keeps an encoded '/' (branch "a%2Fb" is "a/b"); only refs/pr/N may be spelled with raw slashes.
  let revision = queue.shift() ?? "";
  const isRawPrRef = revision === "refs" && queue[0] === "pr" && /^\d+$/.test(queue[1] ?? "");
  if (isRawPrRef) revision += `/${queue.splice(0, 2).join("/")}`;
  if (revision === "") reject(`${shown} is missing the revision after /${keyword}/`);
  const problem = describeRevisionProblem(revision);
  if (problem) reject(`${quote(revision)} is not a valid revision: ${problem}`);
  if (keyword === "tree") {
    // Registering a folder URL would silently register every variant of the repo.
    if (takeToken() !== undefined) {
      reject(`${shown} points to a folder: link one file (…/blob/${revision}/path) or use owner/repo:QUANT`);
    }
    return { repo, revision, filename: null, quant: null };
  }

  const parts: string[] = [];
  for (let token = takeToken(); token !== undefined; token = takeToken()) parts.push(token);
  if (parts.length === 0) reject(`${shown} is missing the file path after /${keyword}/${revision}/`);
  if (trailingSlash) reject(`${shown} ends with '/': a /${keyword}/ URL must point to a file, not a folder`);
  return { repo, revision, filename: checkFilename(parts.join("/")), quant: null };
}

export function parseModelInput(input: string, opts: { filename?: string | null; hfEndpoint?: string } = {}): ModelRef {
  if (typeof input !== "string") reject("The model must be given as a string");
  if (input.length > MAX_INPUT_LENGTH) reject(`The model input is too long (${input.length} characters, limit 2048)`);
  const text = input.trim();
  if (text === "") reject('The model input is empty: give a repository id like "owner/repo" or a huggingface.co URL');
  if (hasControlCharacters(text)) reject(`The model input ${quote(text)} contains control characters`);
  // A lone surrogate cannot be put into a URL (encodeURIComponent throws) nor stored.
  if (!text.isWellFormed()) reject(`The model input ${quote(text)} is not valid Unicode (it has a lone surrogate)`);
  if (text.includes("\\")) reject(`The model input ${quote(text)} contains a backslash: use '/'`);

  const endpoint = opts.hfEndpoint ?? process.env.HF_ENDPOINT ?? "https://huggingface.co";
  const ref = parsePath(extractPath(text, endpoint), text);

  const given = opts.filename?.trim() ? validateFilename(opts.filename) : null;
  if (given === null) return ref;
  if (ref.quant !== null) reject(`Give either the ":${ref.quant}" quantization or a filename, not both`);
  if (ref.filename !== null && ref.filename !== given) {
    reject(`Both a file in the URL (${quote(ref.filename)}) and a different filename (${quote(given)}) were given`);
  }
  return { ...ref, filename: given };
}
