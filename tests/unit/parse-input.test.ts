import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../lib/api/errors";
import { isValidRepoId, type ModelRef, parseModelInput, validateFilename } from "../../lib/hf/parse-input";

type Opts = Parameters<typeof parseModelInput>[1];

const SHA = "0123456789abcdef0123456789abcdef01234567";
const LOCAL = { hfEndpoint: "http://127.0.0.1:8900" };

function ref(repo: string, revision = "main", filename: string | null = null, quant: string | null = null): ModelRef {
  return { repo, revision, filename, quant };
}

const accepted: [string, Opts, ModelRef][] = [
  ["acme/tiny", undefined, ref("acme/tiny")],
  ["  acme/tiny \n", undefined, ref("acme/tiny")],
  ["Acme-Org/Tiny_Model.v1", undefined, ref("Acme-Org/Tiny_Model.v1")],
  ["gpt2", undefined, ref("gpt2")],
  ["acme%2Ftiny", undefined, ref("acme/tiny")],
  ["acme%2ftiny", undefined, ref("acme/tiny")],
  ["acme/tiny/", undefined, ref("acme/tiny")],
  ["https://huggingface.co/acme/tiny", undefined, ref("acme/tiny")],
  ["http://huggingface.co/acme/tiny", undefined, ref("acme/tiny")],
  ["https://www.huggingface.co/acme/tiny", undefined, ref("acme/tiny")],
  ["HTTPS://HuggingFace.CO/acme/tiny", undefined, ref("acme/tiny")],
  ["https://huggingface.co:443/acme/tiny", undefined, ref("acme/tiny")],
  ["huggingface.co/acme/tiny", undefined, ref("acme/tiny")],
  ["hf.co/acme/tiny", undefined, ref("acme/tiny")],
  ["https://www.hf.co/acme/tiny", undefined, ref("acme/tiny")],
  ["hf://acme/tiny", undefined, ref("acme/tiny")],
  ["https://huggingface.co/gpt2", undefined, ref("gpt2")],
  ["https://huggingface.co/models/acme/tiny", undefined, ref("acme/tiny")],
  ["https://huggingface.co/acme/tiny/", undefined, ref("acme/tiny")],
  ["https://huggingface.co/acme/tiny?library=gguf#files", undefined, ref("acme/tiny")],
  ["https://huggingface.co/acme%2Ftiny", undefined, ref("acme/tiny")],
  ["https://huggingface.co/acme/tiny/tree/main", undefined, ref("acme/tiny")],
  ["https://huggingface.co/acme/tiny/tree/v1.0", undefined, ref("acme/tiny", "v1.0")],
  [`https://huggingface.co/acme/tiny/tree/${SHA}`, undefined, ref("acme/tiny", SHA)],
  ["https://huggingface.co/acme/tiny/tree/refs%2Fpr%2F1", undefined, ref("acme/tiny", "refs/pr/1")],
  ["https://huggingface.co/acme/tiny/tree/refs/pr/12", undefined, ref("acme/tiny", "refs/pr/12")],
  ["https://huggingface.co/acme/tiny/tree/feature%2Fx", undefined, ref("acme/tiny", "feature/x")],
  ["acme/tiny/tree/dev", undefined, ref("acme/tiny", "dev")],
  [
    "https://huggingface.co/acme/tiny/blob/main/model-Q4_K_M.gguf",
    undefined,
    ref("acme/tiny", "main", "model-Q4_K_M.gguf"),
  ],
  [
    "https://huggingface.co/acme/tiny/resolve/main/gguf/model.gguf",
    undefined,
    ref("acme/tiny", "main", "gguf/model.gguf"),
  ],
  [
    "https://huggingface.co/acme/tiny/resolve/main/model.gguf?download=true",
    undefined,
    ref("acme/tiny", "main", "model.gguf"),
  ],
  [`https://huggingface.co/acme/tiny/raw/${SHA}/config.json`, undefined, ref("acme/tiny", SHA, "config.json")],
  ["https://huggingface.co/acme/tiny/blob/refs%2Fpr%2F3/a.gguf", undefined, ref("acme/tiny", "refs/pr/3", "a.gguf")],
  [
    "https://huggingface.co/acme/tiny/resolve/refs/pr/3/dir/a.gguf",
    undefined,
    ref("acme/tiny", "refs/pr/3", "dir/a.gguf"),
  ],
  [
    "https://huggingface.co/acme/tiny/blob/main/my%20model%2Bv2.gguf",
    undefined,
    ref("acme/tiny", "main", "my model+v2.gguf"),
  ],
  ["https://huggingface.co/acme/tiny/blob/main/dir%2Ffile.gguf", undefined, ref("acme/tiny", "main", "dir/file.gguf")],
  ["acme/tiny:Q4_K_M", undefined, ref("acme/tiny", "main", null, "Q4_K_M")],
  ["https://huggingface.co/acme/tiny:Q4_K_M", undefined, ref("acme/tiny", "main", null, "Q4_K_M")],
  ["hf.co/acme/tiny:q4_k_m", undefined, ref("acme/tiny", "main", null, "Q4_K_M")],
  ["acme/tiny:iq2_xxs", undefined, ref("acme/tiny", "main", null, "IQ2_XXS")],
  ["gpt2:q8_0", undefined, ref("gpt2", "main", null, "Q8_0")],
  ["acme/tiny", { filename: "  gguf/model.gguf " }, ref("acme/tiny", "main", "gguf/model.gguf")],
  ["acme/tiny", { filename: "   " }, ref("acme/tiny")],
  ["acme/tiny", { filename: null }, ref("acme/tiny")],
  ["https://huggingface.co/acme/tiny/tree/v2", { filename: "a.gguf" }, ref("acme/tiny", "v2", "a.gguf")],
  ["https://huggingface.co/acme/tiny/blob/main/a.gguf", { filename: "a.gguf" }, ref("acme/tiny", "main", "a.gguf")],
  ["http://127.0.0.1:8900/acme/tiny", LOCAL, ref("acme/tiny")],
  ["127.0.0.1:8900/acme/tiny/resolve/main/m.gguf", LOCAL, ref("acme/tiny", "main", "m.gguf")],
  ["https://huggingface.co/acme/tiny", LOCAL, ref("acme/tiny")],
];

const rejected: [string, Opts, string][] = [
  ["", undefined, "empty"],
  ["   \t ", undefined, "empty"],
  ["a".repeat(2049), undefined, "too long"],
  ["https://github.com/acme/tiny", undefined, '"github.com" is not a Hugging Face host'],
  ["https://evil.com/acme/tiny", undefined, '"evil.com" is not a Hugging Face host'],
  ["https://huggingface.co.evil.com/acme/tiny", undefined, "is not a Hugging Face host"],
  ["huggingface.co.evil.com/acme/tiny", undefined, "is not a Hugging Face host"],
  ["https://huggingface.co@evil.com/acme/tiny", undefined, "user name or password"],
  ["ftp://huggingface.co/acme/tiny", undefined, "Unsupported URL scheme"],
  ["https://huggingface.co/datasets/acme/data", undefined, "Datasets are not models"],
  ["huggingface.co/datasets/acme/data", undefined, "Datasets are not models"],
  ["https://huggingface.co/spaces/acme/demo", undefined, "Spaces are not models"],
  ["https://huggingface.co/api/models/acme/tiny", undefined, '"/api" is a Hugging Face site page'],
  ["https://huggingface.co/docs", undefined, '"/docs" is a Hugging Face site page'],
  ["https://huggingface.co/settings/tokens", undefined, '"/settings" is a Hugging Face site page'],
  ["https://huggingface.co/organizations/acme", undefined, '"/organizations" is a Hugging Face site page'],
  ["https://huggingface.co/collections/acme/foo-123", undefined, '"/collections" is a Hugging Face site page'],
  ["https://huggingface.co/models", undefined, '"/models" is a Hugging Face site page'],
  ["https://huggingface.co/", undefined, "doesn't name a model repository"],
  ["a--b", undefined, "\"a--b\" is not a valid repository name: '--' is not allowed"],
  ["acme/a..b", undefined, "'..' is not allowed"],
  ["-acme/tiny", undefined, "not a valid owner name: it can't start or end with '-' or '.'"],
  ["acme/tiny.", undefined, "it can't start or end with '-' or '.'"],
  ["acme/tiny model", undefined, '" " is not allowed'],
  [`acme/${"x".repeat(97)}`, undefined, "longer than 96 characters"],
  ["acme//tiny", undefined, "is not a valid repository name: it is empty"],
  ["a/b/c", undefined, "has more than two parts"],
  ["https://huggingface.co/acme/tiny/discussions/1", undefined, "has more than two parts"],
  ["acme/tiny/tree/", undefined, "missing the revision"],
  ["https://huggingface.co/acme/tiny/tree/main/gguf/", undefined, "points to a folder"],
  ["acme/tiny/tree/bad..rev", undefined, "is not a valid revision: '..' is not allowed"],
  ["acme/tiny/tree/refs%2Fpr%2Fabc", undefined, "refs/pr/ must be followed by a PR number"],
  ["acme/tiny/blob/main", undefined, "missing the file path"],
  ["acme/tiny/blob/main/../x", undefined, "path traversal"],
  ["acme/tiny/resolve/main/a/../../b", undefined, "path traversal"],
  ["acme/tiny/resolve/main/%2e%2e/x", undefined, "path traversal"],
  ["acme/tiny/blob/main/./x", undefined, "path traversal"],
  ["acme/tiny/blob/main/a//b", undefined, "empty folder name"],
  ["acme/tiny/blob/main/a%00b", undefined, "control characters"],
  ["acme/tiny/blob/main/a\\b", undefined, "backslash"],
  ["acme/tiny/blob/main/dir/", undefined, "must point to a file"],
  ["acme/tiny/blob/main/%zz", undefined, "malformed percent-encoding"],
  ["acme/tiny", { filename: "../x" }, "path traversal"],
  ["acme/tiny", { filename: "/etc/passwd" }, "is absolute"],
  ["acme/tiny", { filename: "a\\b.gguf" }, "backslash"],
  ["acme/tiny", { filename: "%2e%2e/x" }, "path traversal"],
  ["acme/tiny", { filename: "a/%2F/b" }, "percent-encoding"],
  ["https://huggingface.co/acme/tiny/blob/main/a.gguf", { filename: "b.gguf" }, "were given"],
  ["acme/tiny:Q4_K_M", { filename: "a.gguf" }, "not both"],
  ["acme/tiny:Q4 K", undefined, "is not a valid quantization"],
  ["acme/tiny:", undefined, "is not a valid quantization"],
  ["acme/tiny:Q4_K_M/tree/main", undefined, 'quantization shorthand works on "owner/repo" only'],
  ["http://127.0.0.1:9999/acme/tiny", LOCAL, '"127.0.0.1:9999" is not a Hugging Face host'],
  ["http://127.0.0.1:8900/acme/tiny", undefined, '"127.0.0.1:8900" is not a Hugging Face host'],
  ["/acme/tiny", undefined, "starts with '/'"],
  ["acme/tiny\u0007", undefined, "control characters"],
  // Lone surrogates: no URL can carry them (encodeURIComponent throws), PostgreSQL cannot store them.
  ["acme/tiny-llama-GGUF/tree/\ud800", undefined, "is not valid Unicode"],
  ["https://huggingface.co/acme/tiny/blob/ma\ud800in/x.gguf", undefined, "is not valid Unicode"],
  ["acme/ti\udc00ny", undefined, "is not valid Unicode"],
  ["acme/tiny/blob/main/x\ud800.gguf", undefined, "is not valid Unicode"],
  ["acme/tiny", { filename: "x\udfff.gguf" }, "is not valid Unicode"],
];

let savedEndpoint: string | undefined;
beforeAll(() => {
  savedEndpoint = process.env.HF_ENDPOINT;
  delete process.env.HF_ENDPOINT;
});
afterAll(() => {
  if (savedEndpoint !== undefined) process.env.HF_ENDPOINT = savedEndpoint;
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("parseModelInput", () => {
  it.each(accepted)("accepts %j %j", (input, opts, expected) => {
    expect(parseModelInput(input, opts)).toEqual(expected);
  });

  it.each(rejected)("rejects %j %j", (input, opts, message) => {
    const error = catchError(() => parseModelInput(input, opts));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("invalid_input");
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain(message);
  });

  it("takes the extra host from HF_ENDPOINT when no hfEndpoint is passed", () => {
    vi.stubEnv("HF_ENDPOINT", "http://127.0.0.1:8900");
    expect(parseModelInput("http://127.0.0.1:8900/acme/tiny")).toEqual(ref("acme/tiny"));
    expect(() => parseModelInput("http://127.0.0.1:9999/acme/tiny")).toThrow(/not a Hugging Face host/);
  });
});

describe("isValidRepoId", () => {
  it.each([
    ["acme/tiny", true],
    ["gpt2", true],
    ["Org_1/model.v2-b", true],
    ["a/b/c", false],
    ["a--b", false],
    ["a..b/c", false],
    [".acme/tiny", false],
    ["acme/tiny-", false],
    ["acme/tiny.git", false],
    ["", false],
    [`acme/${"x".repeat(96)}`, true],
    [`acme/${"x".repeat(97)}`, false],
  ])("%j → %s", (id, valid) => {
    expect(isValidRepoId(id)).toBe(valid);
  });
});

describe("validateFilename", () => {
  it("returns the trimmed path", () => {
    expect(validateFilename("  gguf/model-Q4_K_M.gguf ")).toBe("gguf/model-Q4_K_M.gguf");
  });

  it.each(["", "../x", "a/../../b", "/etc/passwd", "a//b", "a\\b", "a\u0000b", "./x", "%2e%2e/x", "C:/x", "dir/"])(
    "rejects %j",
    (path) => {
      const error = catchError(() => validateFilename(path));
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe("invalid_input");
    },
  );
});
