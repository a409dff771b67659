// `model add --wait-ready`'s progress line: the model's size and how many nodes have it
// ready, never bytes summed over nodes (two nodes holding a 14 MB model is not 28 MB).
import { describe, expect, it } from "vitest";
import type { NodeOverview, V1Model, Variant } from "@/lib/api/model-schemas";
import type { ModelApi } from "../../cli/lib/model-api";
import { waitForReady } from "../../cli/lib/wait-ready";

const name = "hf/acme/fourteen";
const variants: Variant[] = [
  { name: "gguf:Q4", format: "gguf", quant: "Q4", size_bytes: 14e6, complete: true, missing: [], files: [] },
];
type Report = Partial<NodeOverview["models"][number]>;

const v1 = (readyNodes: number) =>
  ({
    id: name,
    ready: readyNodes > 0,
    sync: { state: readyNodes > 0 ? "ready" : "syncing", ready_nodes: readyNodes, nodes: 2 },
  }) as V1Model;
const node = (id: string, model: Report) =>
  ({
    id,
    name: id,
    online: true,
    last_seen_at: new Date().toISOString(),
    models: [{ name, variant: "gguf:Q4", bytes_done: null, bytes_total: null, error: null, updated_at: "", ...model }],
  }) as unknown as NodeOverview;

/** Runs the wait over a scripted series of polls; returns the lines it printed (piped). */
async function printedLines(polls: { readyNodes: number; nodes: NodeOverview[] }[]): Promise<string[]> {
  let i = 0;
  const next = () => polls[Math.min(i, polls.length - 1)];
  const api = {
    getV1: async () => ({ data: v1(next().readyNodes) }),
    nodes: async () => ({ data: { nodes: next().nodes } }),
  } as unknown as ModelApi;
  const printed: string[] = [];
  const out = {
    isTTY: false,
    write: (chunk: string) => {
      printed.push(chunk);
      i++;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  await waitForReady({ api, name, variants, timeoutMs: 10_000, json: false, intervalMs: 1, out });
  return printed.join("").trim().split("\n");
}

describe("--wait-ready progress", () => {
  it("shows one copy's size and how many of the nodes have it ready, with the furthest download", async () => {
    const lines = await printedLines([
      {
        readyNodes: 0,
        nodes: [
          node("a", { state: "downloading", bytes_done: 7e6, bytes_total: 14e6 }),
          node("b", { state: "downloading", bytes_done: 3.5e6, bytes_total: 14e6 }),
        ],
      },
      {
        readyNodes: 1,
        nodes: [
          node("a", { state: "ready", bytes_done: 14e6, bytes_total: 14e6 }),
          node("b", { state: "downloading", bytes_done: 7e6, bytes_total: 14e6 }),
        ],
      },
    ]);
    expect(lines).toEqual([
      `${name}: 14.0 MB · 0 of 2 nodes ready, 2 downloading, furthest 7.0 MB (50%)`,
      `${name}: 14.0 MB · 1 of 2 nodes ready, 1 downloading: 7.0 MB (50%)`,
    ]);
  });

  it("with both nodes ready, still the model's 14 MB", async () => {
    const ready = { state: "ready" as const, bytes_done: 14e6, bytes_total: 14e6 };
    const lines = await printedLines([{ readyNodes: 2, nodes: [node("a", ready), node("b", ready)] }]);
    expect(lines).toEqual([`${name}: 14.0 MB · 2 of 2 nodes ready`]);
  });
});
