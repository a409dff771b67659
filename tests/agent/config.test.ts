// Settings resolution for `llmlb node run`: flag over environment over default, and
// bad values rejected with exit code 1 (a missing key 6) before anything starts.
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultCacheDir, parseByteSize, resolveNodeRunConfig } from "../../cli/lib/config";
import { CliError } from "../../cli/lib/exit-codes";

const fails = (fn: () => unknown, message: RegExp, exitCode = 1) => {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CliError);
  expect((err as CliError).exitCode).toBe(exitCode);
  expect((err as CliError).message).toMatch(message);
};

describe("resolveNodeRunConfig", () => {
  it("applies the documented defaults", () => {
    const c = resolveNodeRunConfig({}, { LLMLB_API_KEY: "k", HOME: os.homedir() });
    expect(c).toMatchObject({
      url: "http://localhost:3000",
      hfEndpoint: "https://huggingface.co",
      hfToken: null,
      name: os.hostname(),
      formats: ["gguf", "safetensors", "onnx"],
      runtimes: ["llama.cpp"],
      gpus: [],
      context: 8192,
      memoryBytes: os.totalmem(),
      reserveDiskBytes: 0,
      pollWaitS: 25,
      downloads: 3,
      stallTimeoutMs: 60_000,
    });
  });

  it("takes the context and the memory models may use from the environment, and refuses nonsense", () => {
    const base = { LLMLB_API_KEY: "k", HOME: os.homedir() };
    const c = resolveNodeRunConfig({}, { ...base, LLMLB_NODE_CONTEXT: "32768", LLMLB_NODE_MEMORY: "48GB" });
    expect(c).toMatchObject({ context: 32768, memoryBytes: 48 * 1024 ** 3 });
    for (const [name, value] of [
      ["LLMLB_NODE_CONTEXT", "0"],
      ["LLMLB_NODE_CONTEXT", "8k"],
      ["LLMLB_NODE_MEMORY", "lots"],
    ]) {
      expect(() => resolveNodeRunConfig({}, { ...base, [name]: value }), value).toThrow(name);
    }
  });

  it("prefers flags over the environment", () => {
    const env = {
      LLMLB_API_KEY: "env-key",
      LLMLB_URL: "http://env:1",
      LLMLB_NODE_FORMATS: "onnx",
      LLMLB_NODE_NAME: "env-name",
    };
    const c = resolveNodeRunConfig(
      {
        apiKey: "flag-key",
        url: "http://flag:2/",
        formats: "safetensors,gguf",
        name: "flag-name",
        runtime: ["vllm", "sglang"],
      },
      env,
    );
    expect(c).toMatchObject({
      apiKey: "flag-key",
      url: "http://flag:2",
      formats: ["safetensors", "gguf"],
      name: "flag-name",
    });
    expect(c.runtimes).toEqual(["vllm", "sglang"]);
    expect(resolveNodeRunConfig({}, env)).toMatchObject({ apiKey: "env-key", formats: ["onnx"], runtimes: ["vllm"] });
  });

  it("reads HF_TOKEN, GPUs, reserve and stall timeout from the environment", () => {
    const c = resolveNodeRunConfig(
      {},
      {
        LLMLB_API_KEY: "k",
        HF_TOKEN: "hf_x",
        LLMLB_NODE_GPUS: '[{"name":"RTX 4090","memory_bytes":25757220864}]',
        LLMLB_NODE_RESERVE_DISK: "50G",
        LLMLB_STALL_TIMEOUT_MS: "250",
      },
    );
    expect(c).toMatchObject({
      hfToken: "hf_x",
      gpus: [{ name: "RTX 4090", memory_bytes: 25757220864 }],
      reserveDiskBytes: 50 * 1024 ** 3,
      stallTimeoutMs: 250,
    });
  });

  it("finds the cache the way huggingface_hub does", () => {
    expect(defaultCacheDir({ HF_HUB_CACHE: "/a", HF_HOME: "/b" })).toBe("/a");
    expect(defaultCacheDir({ HF_HOME: "/b", XDG_CACHE_HOME: "/c" })).toBe("/b/hub");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/c" })).toBe("/c/huggingface/hub");
    expect(defaultCacheDir({})).toBe(path.join(os.homedir(), ".cache", "huggingface", "hub"));
    expect(resolveNodeRunConfig({ cacheDir: "rel" }, { LLMLB_API_KEY: "k" }).cacheDir).toBe(path.resolve("rel"));
  });

  it("rejects what cannot work, with exit code 1 (6 for a missing key)", () => {
    fails(() => resolveNodeRunConfig({}, {}), /LLMLB_API_KEY is not set/, 6);
    fails(() => resolveNodeRunConfig({}, { LLMLB_API_KEY: " " }), /LLMLB_API_KEY is not set/, 6);
    fails(() => resolveNodeRunConfig({ url: "ftp://x" }, { LLMLB_API_KEY: "k" }), /must be http/);
    fails(() => resolveNodeRunConfig({ formats: "gguf,exe" }, { LLMLB_API_KEY: "k" }), /unknown format "exe"/);
    fails(() => resolveNodeRunConfig({ name: "bad name" }, { LLMLB_API_KEY: "k" }), /node name "bad name"/);
    fails(() => resolveNodeRunConfig({ pollWait: "-1" }, { LLMLB_API_KEY: "k" }), /--poll-wait/);
    fails(() => resolveNodeRunConfig({}, { LLMLB_API_KEY: "k", LLMLB_NODE_DOWNLOADS: "0" }), /--downloads/);
    fails(() => resolveNodeRunConfig({ downloads: "many" }, { LLMLB_API_KEY: "k" }), /--downloads/);
    fails(() => resolveNodeRunConfig({}, { LLMLB_API_KEY: "k", LLMLB_NODE_GPUS: "[1" }), /LLMLB_NODE_GPUS/);
  });

  it("takes the number of downloads at once from the flag or LLMLB_NODE_DOWNLOADS", () => {
    expect(resolveNodeRunConfig({}, { LLMLB_API_KEY: "k", LLMLB_NODE_DOWNLOADS: "5" }).downloads).toBe(5);
    expect(resolveNodeRunConfig({ downloads: "1" }, { LLMLB_API_KEY: "k", LLMLB_NODE_DOWNLOADS: "5" }).downloads).toBe(
      1,
    );
  });

  it("parses byte sizes", () => {
    expect(parseByteSize("1073741824", "x")).toBe(1073741824);
    expect(parseByteSize("1.5K", "x")).toBe(1536);
    expect(parseByteSize("2GiB", "x")).toBe(2 * 1024 ** 3);
    expect(() => parseByteSize("lots", "x")).toThrow(/number of bytes/);
  });
});
