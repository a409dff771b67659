// The fit table (lib/api/fit.ts): every online node × every complete variant, at one context,
// by the figures a person can check by hand (Llama 3 8B: 128 KiB of KV cache a token).
import { describe, expect, it } from "vitest";
import { type FitVariant, fitReport, formatContext } from "../../lib/api/fit";

const GB = 1e9;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const llamaKv = 2 * 32 * 8 * 128 * 2; // keys and values × layers × KV heads × head dim × 2 bytes = 131,072

const variant = (name: string, weight: number, format = "gguf", kv: number | null = llamaKv): FitVariant => ({
  name,
  format,
  complete: true,
  memory: { weight_bytes: weight, kv_bytes_per_token: kv, context_length: 131072, unknown_reason: null },
});
const q4 = variant("gguf:Q4_K_M", 4.92 * GB); // overhead 10% = 492 MB < 512 MiB → 512 MiB
const q8 = variant("gguf:Q8_0", 8.54 * GB); // overhead 854 MB
const q4Need = 4.92 * GB + llamaKv * 8192 + 512 * MiB; // 4.92 GB + 1 GiB + 512 MiB
const q8Need = 8.54 * GB + llamaKv * 8192 + 0.854 * GB;

const node = (name: string, gpus: number[], memory: number | null, formats = ["gguf"]) => ({
  name,
  formats,
  gpus: gpus.map((memory_bytes) => ({ memory_bytes })),
  memory_bytes: memory,
});

describe("fitReport", () => {
  it("states the need at the model's context, at most 8,192 tokens", () => {
    const r = fitReport([q4, q8], []);
    expect(r.context).toBe(8192);
    expect(r.smallest_need).toEqual({ variant: "gguf:Q4_K_M", bytes: Math.round(q4Need) });
    expect(Math.round(q4Need)).toBe(4_920_000_000 + GiB + 512 * MiB);
    expect(r.nodes).toBe(0);
    expect(r.warning).toBeNull();
  });

  it("one GPU, split across GPUs, system memory only, and not at all, each with its numbers", () => {
    const nodes = [
      node("one-24g", [24 * GB], 64 * GB),
      node("two-8g", [8 * GB, 8 * GB], 32 * GB),
      node("cpu-16g", [], 16 * GB),
      node("small", [4 * GB], 4 * GB),
    ];
    const r = fitReport([q4, q8], nodes);
    const cell = (n: string, v: string) => r.details.find((d) => d.node === n)?.variants.find((x) => x.variant === v);
    expect(cell("one-24g", "gguf:Q8_0")).toMatchObject({ fit: "gpu", gpus: 1, available_bytes: 24 * GB });
    // Q4 needs ~6.55 GB: one 8 GB GPU; Q8 needs ~10.47 GB: both.
    expect(cell("two-8g", "gguf:Q4_K_M")).toMatchObject({ fit: "gpu", gpus: 1, available_bytes: 8 * GB });
    expect(cell("two-8g", "gguf:Q8_0")).toMatchObject({ fit: "gpu_split", gpus: 2, available_bytes: 16 * GB });
    expect(cell("two-8g", "gguf:Q8_0")?.need_bytes).toBe(Math.round(q8Need));
    expect(cell("cpu-16g", "gguf:Q8_0")).toMatchObject({ fit: "system_memory", gpus: null, available_bytes: 16 * GB });
    expect(cell("small", "gguf:Q4_K_M")).toMatchObject({ fit: "too_large", available_bytes: 4 * GB });
    expect(r.details.map((d) => [d.node, d.fits])).toEqual([
      ["one-24g", true],
      ["two-8g", true],
      ["cpu-16g", true],
      ["small", false],
    ]);
    expect(r).toMatchObject({ nodes: 4, fitting_nodes: 3, warning: null });
  });

  it("at a context a person picks: 128k tokens of Llama 3 8B's KV cache are 16 GiB", () => {
    const r = fitReport([q4], [node("one-24g", [24 * GB], 64 * GB)], 131072);
    expect(r.context).toBe(131072);
    expect(r.smallest_need?.bytes).toBe(Math.round(4.92 * GB + 16 * GiB + 512 * MiB));
    expect(r.details[0]?.variants[0]?.fit).toBe("gpu");
  });

  it("warns with real figures when no online node can hold any variant", () => {
    const r = fitReport([q4, q8], [node("a", [4 * GB], 3 * GB), node("b", [2 * GB, 2 * GB], 3.5 * GB)]);
    expect(r.fitting_nodes).toBe(0);
    expect(r.warning).toBe(
      "It needs 6.5 GB at 8k context; the largest node has 4.0 GB of GPU memory and 3.5 GB of system memory: no online node can hold it.",
    );
  });

  it("a node that does not load the format is said as such, and its memory is not compared", () => {
    const r = fitReport([q4], [node("onnx-only", [80 * GB], 256 * GB, ["onnx"])]);
    expect(r.details[0]).toMatchObject({ fits: false, variants: [{ fit: "format_not_loaded", gpus: null }] });
    expect(r.warning).toBeNull();
    const both = fitReport([q4], [node("onnx-only", [80 * GB], 256 * GB, ["onnx"]), node("small", [2 * GB], 4 * GB)]);
    expect(both.warning).toBe(
      "It needs 6.5 GB at 8k context; the largest node has 2.0 GB of GPU memory and 4.0 GB of system memory: no online node can hold it.",
    );
  });

  it("is unknown, with the reason, when no variant's need is known", () => {
    const gated = {
      ...variant("gguf:Q4_0", 4 * GB, "gguf", null),
      memory: { weight_bytes: 4 * GB, kv_bytes_per_token: null, context_length: null, unknown_reason: "gated" },
    };
    const legacy: FitVariant = { name: "safetensors", format: "safetensors", complete: true };
    expect(fitReport([gated], [node("a", [24 * GB], 64 * GB)])).toMatchObject({
      context: 8192,
      smallest_need: null,
      unknown_reason: "gated",
      warning: null,
      details: [{ fits: false, variants: [{ fit: "unknown", need_bytes: null }] }],
    });
    expect(fitReport([legacy], []).unknown_reason).toMatch(/registered before/);
  });

  it("leaves incomplete variants out", () => {
    const r = fitReport([{ ...q8, complete: false }, q4], [node("a", [24 * GB], 64 * GB)]);
    expect(r.details[0]?.variants.map((v) => v.variant)).toEqual(["gguf:Q4_K_M"]);
  });

  it("says a context the way people do", () => {
    expect([8192, 131072, 1000].map(formatContext)).toEqual(["8k", "128k", "1000"]);
  });
});

describe("fitReport at a context past the model's own", () => {
  it("states it at the model's context, as agents load it", () => {
    const short: FitVariant = {
      ...q4,
      memory: { weight_bytes: 4.92 * GB, kv_bytes_per_token: llamaKv, context_length: 4096, unknown_reason: null },
    };
    expect(fitReport([short], [], 131072).context).toBe(4096);
    expect(fitReport([short], [], 2048).context).toBe(2048);
  });
});
