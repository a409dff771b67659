// What the server keeps of a Hub metadata answer: fields checked like user input, one bad
// entry left out (counted) rather than failing the answer, nothing PostgreSQL cannot store.
import { describe, expect, it } from "vitest";
import { hubModelInfoSchema } from "../../lib/hf/model-info";

const sha = "a".repeat(40);
const read = (extra: Record<string, unknown>) => hubModelInfoSchema.parse({ id: "acme/x", sha, ...extra });

describe("hubModelInfoSchema", () => {
  it("gives fields the Hub omits safe defaults", () => {
    expect(read({})).toEqual({
      id: "acme/x",
      sha,
      private: false,
      disabled: false,
      gated: false,
      tags: [],
      lastModified: null,
      siblings: [],
      skippedSiblings: { count: 0, examples: [] },
      safetensors: null,
    });
  });

  it("reads the Hub's safetensors parameter count, and treats a malformed one as none", () => {
    expect(read({ safetensors: { parameters: { BF16: 7_000, F32: 10 }, total: 7_010 } }).safetensors).toEqual({
      parameters: 7_010,
      dtype: "BF16",
    });
    expect(read({ safetensors: { parameters: { "bad dtype!": 5 }, total: 5 } }).safetensors).toEqual({
      parameters: 5,
      dtype: null,
    });
    for (const bad of [null, "x", { total: -1 }, { total: 1.5 }, { total: "7" }, { parameters: { BF16: 1 } }]) {
      expect(read({ safetensors: bad }).safetensors, JSON.stringify(bad)).toBeNull();
    }
  });

  it.each([
    ["2024-02-19T10:57:45.000Z", "2024-02-19T10:57:45.000Z"],
    ["2024-02-19T10:57:45+02:00", "2024-02-19T08:57:45.000Z"],
    ["2024-02-19", "2024-02-19T00:00:00.000Z"],
    ["sometime last week", null],
    ["2", null],
    ["-271821-04-20T00:00:00.000Z", null],
    ["0000-01-01T00:00:00.000Z", null],
    ["2024-13-45T99:99:99Z", null],
    [1_700_000_000, null],
  ])("reads lastModified %j as %j", (lastModified, expected) => {
    expect(read({ lastModified }).lastModified).toBe(expected);
  });

  it.each([
    [false, false],
    [undefined, false],
    ["", false],
    [true, "auto"],
    ["auto", "auto"],
    ["manual", "manual"],
    ["manual\u0000", "auto"],
    ["g".repeat(5000), "auto"],
    [5, "auto"],
  ])("reads gated %j as %j", (gated, expected) => {
    expect(read({ gated }).gated).toBe(expected);
  });

  it("keeps only tags that can be stored, and at most 500", () => {
    const tags = ["gguf", "nul\u0000", "bell\u0007", "lone\udc00", "", "x".repeat(257), 7, null];
    expect(read({ tags }).tags).toEqual(["gguf"]);
    expect(read({ tags: Array.from({ length: 900 }, (_, i) => `t${i}`) }).tags).toHaveLength(500);
    expect(read({ tags: "gguf" }).tags).toEqual([]);
  });

  it("leaves out unsafe or broken siblings, counts them and keeps three examples", () => {
    const info = read({
      siblings: [
        { rfilename: "ok.gguf", size: 5, lfs: { sha256: "AB".repeat(32), size: 5 } },
        { rfilename: "../up.gguf", size: 5 },
        { rfilename: "a\u0000b.gguf" },
        { rfilename: "lone\ud800.gguf" },
        { rfilename: "big.gguf", size: 2 ** 41 },
        { rfilename: "no-size.gguf" },
        { rfilename: "no-size-lfs.gguf", lfs: null },
        { rfilename: "bad-hash.gguf", lfs: { sha256: "zz", size: 1 } },
        { rfilename: "x".repeat(1001) },
        { rfilename: 3 },
        "text",
      ],
    });
    expect(info.siblings).toEqual([
      { rfilename: "ok.gguf", size: 5, lfs: { sha256: "ab".repeat(32), size: 5 }, blobId: null },
    ]);
    expect(info.skippedSiblings).toEqual({ count: 10, examples: ["../up.gguf", "a\u0000b.gguf", "lone\ud800.gguf"] });
  });

  it("takes an LFS file's size from its lfs entry when the Hub gives no other", () => {
    const lfs = { sha256: "ab".repeat(32), size: 7 };
    expect(read({ siblings: [{ rfilename: "w.gguf", lfs }] }).siblings).toEqual([
      { rfilename: "w.gguf", size: 7, lfs, blobId: null },
    ]);
  });

  it("keeps a file's git blob id when it is 40 lowercase hex digits, else null (the file stays)", () => {
    const id = "0123456789abcdef0123456789abcdef01234567";
    const siblings = read({
      siblings: [
        { rfilename: "a.json", size: 1, blobId: id },
        { rfilename: "b.json", size: 1, blobId: id.toUpperCase() },
        { rfilename: "c.json", size: 1, blobId: `${id}0` },
        { rfilename: "d.json", size: 1, blobId: "../../not-a-blob-id" },
        { rfilename: "e.json", size: 1, blobId: 42 },
        { rfilename: "f.json", size: 1 },
      ],
    }).siblings;
    expect(siblings.map((s) => [s.rfilename, s.blobId])).toEqual([
      ["a.json", id],
      ["b.json", null],
      ["c.json", null],
      ["d.json", null],
      ["e.json", null],
      ["f.json", null],
    ]);
  });

  it("still refuses an answer without a commit", () => {
    expect(hubModelInfoSchema.safeParse({ id: "acme/x", sha: "main" }).success).toBe(false);
  });
});
