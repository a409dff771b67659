// The model commands' pure helpers: durations, name shorthand, tables, progress totals.
import { describe, expect, it } from "vitest";
import type { NodeOverview, V1Model } from "@/lib/api/model-schemas";
import { redactUrl, toModelName } from "../../cli/lib/connection";
import { parseDuration } from "../../cli/lib/duration";
import { CliError } from "../../cli/lib/exit-codes";
import { summarizeProgress } from "../../cli/lib/sync-status";
import { formatTable } from "../../cli/lib/table";

describe("parseDuration", () => {
  it("reads s, m, h, ms, combinations and bare seconds", () => {
    expect(parseDuration("30s", "t")).toBe(30_000);
    expect(parseDuration("5m", "t")).toBe(300_000);
    expect(parseDuration("1h30m", "t")).toBe(5_400_000);
    expect(parseDuration("500ms", "t")).toBe(500);
    expect(parseDuration("90", "t")).toBe(90_000);
  });
  it("rejects anything else with exit code 1", () => {
    for (const bad of ["", "soon", "-5s", "0s", "5d", "1h 30m"]) {
      expect(() => parseDuration(bad, "--timeout")).toThrow(CliError);
      try {
        parseDuration(bad, "--timeout");
      } catch (err) {
        expect((err as CliError).exitCode).toBe(1);
      }
    }
  });
});

describe("toModelName", () => {
  it("adds hf/ to owner/repo[/file] and keeps full names", () => {
    expect(toModelName("acme/x")).toBe("hf/acme/x");
    expect(toModelName(" acme/x/a.gguf ")).toBe("hf/acme/x/a.gguf");
    expect(toModelName("hf/acme/x")).toBe("hf/acme/x");
    expect(toModelName("/hf/acme/x/")).toBe("hf/acme/x");
    // An owner called "hf": a registered name has at least three parts.
    expect(toModelName("hf/x")).toBe("hf/hf/x");
    expect(() => toModelName(" ")).toThrow(/empty/);
  });
});

describe("redactUrl", () => {
  it("drops credentials from a URL before printing it", () => {
    expect(redactUrl("https://user:secret@llmlb.example.com/prefix")).toBe("https://llmlb.example.com/prefix");
  });
});

describe("formatTable", () => {
  it("aligns columns, right-aligns numbers, trims trailing spaces and strips control characters", () => {
    const rows = [
      { name: "a", size: "1.0 KB", note: "" },
      { name: "longer\u001b[31m", size: "12.5 MB", note: "x" },
    ];
    const text = formatTable(rows, [
      { header: "NAME", value: (r) => r.name },
      { header: "SIZE", value: (r) => r.size, align: "right" },
      { header: "NOTE", value: (r) => r.note },
    ]);
    expect(text.split("\n")).toEqual(["NAME            SIZE  NOTE", "a             1.0 KB", "longer [31m  12.5 MB  x"]);
  });
});

describe("summarizeProgress", () => {
  const v1 = {
    id: "hf/acme/x",
    ready: false,
    sync: { state: "syncing", ready_nodes: 1, nodes: 3 },
  } as V1Model;
  const node = (name: string, online: boolean, model: Partial<NodeOverview["models"][number]> | null) =>
    ({
      id: name,
      name,
      online,
      last_seen_at: new Date().toISOString(),
      models: model
        ? [
            {
              name: "hf/acme/x",
              variant: null,
              bytes_done: null,
              bytes_total: null,
              error: null,
              updated_at: "",
              ...model,
            },
          ]
        : [],
    }) as unknown as NodeOverview;
  it("counts online nodes, and sizes the model by one copy, never by a sum over nodes", () => {
    const p = summarizeProgress(
      v1,
      [
        node("a", true, { state: "ready", variant: "gguf:Q4" }),
        node("b", true, { state: "downloading", variant: "gguf:Q4", bytes_done: 50, bytes_total: 100 }),
        node("c", true, { state: "error", error: { code: "gated", message: "set HF_TOKEN" } }),
        node("d", false, { state: "downloading", bytes_done: 1, bytes_total: 1000 }),
        node("e", true, null),
      ],
      [{ name: "gguf:Q4", format: "gguf", quant: "Q4", size_bytes: 100, complete: true, missing: [], files: [] }],
    );
    expect(p).toMatchObject({
      onlineNodes: 4,
      reportingNodes: 3,
      downloadingNodes: 1,
      modelBytes: { min: 100, max: 100 },
      bytesDone: 50,
      bytesTotal: 100,
      problems: [{ node: "c", code: "gated", message: "set HF_TOKEN" }],
    });
  });
});
