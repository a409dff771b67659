// The GGUF header reader fit uses (lib/hf/gguf-header.ts), against @huggingface/gguf's own
// parser as the reference: the same metadata numbers and the same parameter count from the
// same bytes, in few reads; and bounded on broken or hostile headers.
import { gguf } from "@huggingface/gguf";
import { describe, expect, it } from "vitest";
import { readGgufFacts } from "@/lib/hf/gguf-header";
import { startFakeHub } from "../fake-hub";
import { ggufFile, llamaGgufTensors, mergeRun, str, strings, tokenRun, u32 } from "../fake-hub/weight-headers";

/** A reader over `bytes` that counts its reads, as the Hub would answer Range requests. */
function rangeOver(bytes: Buffer) {
  const reads: [number, number][] = [];
  const read = async (start: number, end: number) => {
    reads.push([start, end]);
    return bytes.subarray(start, Math.min(end, bytes.length));
  };
  return { read, reads };
}

const llama3 = { layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffn: 14336, vocab: 128256 };
const llamaHeader = ggufFile({
  metadata: [
    str("general.architecture", "llama"),
    str("general.name", "Llama 3 8B"),
    u32("llama.block_count", 32),
    u32("llama.context_length", 131072),
    u32("llama.embedding_length", 4096),
    u32("llama.attention.head_count", 32),
    u32("llama.attention.head_count_kv", 8),
    str("tokenizer.ggml.model", "gpt2"),
    strings("tokenizer.ggml.tokens", tokenRun(128256)),
    strings("tokenizer.ggml.merges", mergeRun(280000, 128256)),
  ],
  tensors: llamaGgufTensors({ ...llama3, quantType: "Q4_K", outputType: "Q6_K" }),
}).header();

describe("readGgufFacts", () => {
  it("reads what @huggingface/gguf reads: Llama 3 8B's shape and 8,030,261,248 parameters", async () => {
    // The reference parses the fake hub's 4.7 GB file (it checks the shapes against the file size).
    const hub = await startFakeHub();
    try {
      const url = `${hub.url}/acme/shape-llama-GGUF/resolve/main/shape-llama-Q4_K_M.gguf`;
      const reference = await gguf(url, { computeParametersCount: true });
      let reads = 0;
      const read = async (start: number, end: number) => {
        reads++;
        const res = await fetch(url, { headers: { range: `bytes=${start}-${end - 1}` } });
        return new Uint8Array(await res.arrayBuffer());
      };
      const facts = await readGgufFacts(read, "shape-llama-Q4_K_M.gguf", 16 * 1024 * 1024);
      expect(facts.parameters).toBe(8_030_261_248);
      expect(facts.parameters).toBe(reference.parameterCount);
      // Every number of general.* and the architecture's keys (its own entries aside; the
      // tokenizer's keys are read past, not kept).
      const own = new Set(["version", "tensor_count", "kv_count"]);
      const numbers = Object.entries(reference.metadata).filter(
        ([k, v]) => !own.has(k) && /^(general|llama)\./.test(k) && (typeof v === "number" || typeof v === "bigint"),
      );
      expect(numbers.length).toBeGreaterThan(8);
      for (const [key, value] of numbers) expect(facts.metadata[key], key).toBe(Number(value));
      expect(facts.metadata["general.architecture"]).toBe("llama");
      // The vocabulary and the merges are stepped over, not kept.
      expect(facts.metadata["tokenizer.ggml.tokens"]).toBeUndefined();
      expect(facts.metadata["tokenizer.ggml.model"]).toBeUndefined();
      // The table ends where the tensor data starts, but for the alignment padding.
      const dataStart = Number(reference.tensorDataOffset);
      expect(dataStart - facts.headerBytes).toBeGreaterThanOrEqual(0);
      expect(dataStart - facts.headerBytes).toBeLessThan(32);
      // Growing windows, not one request a field: 256 KB, doubling by at most 2 MB a step.
      expect(reads).toBeLessThanOrEqual(8);
    } finally {
      await hub.close();
    }
  });

  it("stops at the cap a header may take, and says so", async () => {
    const { read } = rangeOver(llamaHeader);
    await expect(readGgufFacts(read, "llama.gguf", 4 * 1024 * 1024)).rejects.toThrow(
      "the header of llama.gguf is larger than the 4 MB read per file",
    );
  });

  it("refuses what is not a GGUF header, or is cut short, or lies about its sizes", async () => {
    const cases: [string, Buffer, RegExp][] = [
      ["not gguf", Buffer.from("PK\u0003\u0004 not a gguf file at all, zip maybe".repeat(4)), /no GGUF magic/],
      ["version 7", Buffer.concat([Buffer.from("GGUF"), Buffer.from([7, 0, 0, 0]), Buffer.alloc(40)]), /version 7/],
      ["cut short", llamaHeader.subarray(0, 300_000), /ends inside its GGUF header/],
    ];
    const lying = Buffer.from(llamaHeader.subarray(0, 64));
    lying.writeBigUInt64LE(2n ** 62n, 8); // tensor count
    cases.push(["impossible count", lying, /impossible tensor count/]);
    const many = Buffer.from(llamaHeader.subarray(0, 64));
    many.writeBigUInt64LE(5_000_000n, 8);
    cases.push(["five million tensors", many, /5000000 tensors/]);
    for (const [what, bytes, error] of cases) {
      await expect(readGgufFacts(rangeOver(bytes).read, "x.gguf", 16 * 1024 * 1024), what).rejects.toThrow(error);
    }
  });
});

describe("readGgufFacts on a header built to cost memory", () => {
  it("keeps a bounded number of keys, whatever the header holds", async () => {
    // 5,000 keys under general.* each with 1,024 numbers: 5 million numbers if all were kept.
    const header = ggufFile({
      metadata: [
        str("general.architecture", "llama"),
        ...Array.from({ length: 5000 }, (_, i) => ({
          key: `general.filler_${i}`,
          type: "i32[]" as const,
          value: Array.from({ length: 1024 }, () => i),
        })),
        u32("llama.block_count", 2),
      ],
      tensors: [],
    }).header();
    const facts = await readGgufFacts(rangeOver(header).read, "x.gguf", 32 * 1024 * 1024);
    expect(Object.keys(facts.metadata).length).toBeLessThanOrEqual(257);
    expect(facts.metadata["general.architecture"]).toBe("llama");
    // The architecture's own keys are kept apart from the filler.
    expect(facts.metadata["llama.block_count"]).toBe(2);
  });
});
