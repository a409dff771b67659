// The heartbeat's rules on their own, without a database: which states are written,
// which go, and when the sync version must move. tests/api/nodes.test.ts covers the
// same rules end to end through PUT /api/nodes/{id}/sync.
import { describe, expect, it } from "vitest";
import type { NodeModelState } from "@/lib/db/schema";
import { type NodeStateInput, planSyncWrites } from "@/lib/nodes/sync-rules";

const commit = "a".repeat(40);
const models = [
  { id: "m1", name: "hf/acme/One", commit, candidate: null, previous: null },
  { id: "m2", name: "hf/acme/two", commit, candidate: null, previous: null },
];
/** What listModelsNamed answers for these names: each model a name stands for (ASCII here). */
const knownFor = (reported: NodeStateInput[]) =>
  reported.flatMap((r) =>
    models.filter((m) => m.name.toLowerCase() === r.name.toLowerCase()).map((m) => ({ ...m, reported: r.name })),
  );
// A download under way, as reported and as stored.
const downloading = {
  state: "downloading",
  variant: "Q4_K_M",
  bytesDone: 10,
  bytesTotal: 100,
  errorCode: null,
  errorMessage: null,
  reportHash: 0n,
} as const;
const report = (name: string, fields: Partial<NodeStateInput> = {}): NodeStateInput => ({
  name,
  commit,
  ...downloading,
  ...fields,
});
const stored = (modelId: string, fields: Partial<NodeModelState> = {}): NodeModelState => ({
  nodeId: "n1",
  modelId,
  ...downloading,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...fields,
});
const plan = (reported: NodeStateInput[], before: NodeModelState[] = []) =>
  planSyncWrites({ nodeId: "n1", reported, known: knownFor(reported), stored: before });

const nothing = {
  upserts: [],
  gone: [],
  commitUpserts: [],
  commitsGone: [],
  candidatesReady: [],
  digestChange: 0n,
};

describe("planSyncWrites", () => {
  it("writes a new state, matching names case-insensitively and ignoring names no model has", () => {
    const writes = plan([report("HF/ACME/one"), report("hf/acme/unknown")]);
    expect(writes.upserts).toEqual([expect.objectContaining({ nodeId: "n1", modelId: "m1", state: "downloading" })]);
    expect(writes).toMatchObject({ gone: [], changed: true });
  });

  it("takes the first entry when a model is named twice", () => {
    const writes = plan([report("hf/acme/One", { state: "ready" }), report("hf/acme/one", { state: "error" })]);
    expect(writes.upserts.map((u) => u.state)).toEqual(["ready"]);
  });

  it("counts a state about another commit as pending, without its progress or error", () => {
    const writes = plan([report("hf/acme/One", { commit: "b".repeat(40), state: "ready", errorCode: "x" })]);
    expect(writes.upserts[0]).toMatchObject({ state: "pending", variant: null, bytesDone: null, errorCode: null });
  });

  it("compares commits case-insensitively", () => {
    const writes = plan([report("hf/acme/One", { commit: commit.toUpperCase(), state: "ready" })]);
    expect(writes.upserts[0]).toMatchObject({ state: "ready" });
  });

  it("writes progress without moving the sync version, and skips what did not move at all", () => {
    expect(plan([report("hf/acme/One", { bytesDone: 50 })], [stored("m1")])).toMatchObject({
      upserts: [expect.objectContaining({ bytesDone: 50 })],
      changed: false,
    });
    expect(plan([report("hf/acme/One")], [stored("m1")])).toEqual({ ...nothing, changed: false });
  });

  it("moves the sync version when the variant or the error code changes", () => {
    expect(plan([report("hf/acme/One", { variant: "Q8_0" })], [stored("m1")]).changed).toBe(true);
    expect(plan([report("hf/acme/One", { errorCode: "disk_full" })], [stored("m1")]).changed).toBe(true);
  });

  it("drops the states of models the node no longer reports, and counts that as a change", () => {
    const writes = plan([report("hf/acme/One")], [stored("m1"), stored("m2")]);
    expect(writes).toEqual({ ...nothing, gone: ["m2"], changed: true });
  });

  it("keeps a candidate's and the previous commit's states apart from the current one", () => {
    const cand = "c".repeat(40);
    const prev = "d".repeat(40);
    const known = [{ ...models[0], candidate: cand, previous: prev, reported: "hf/acme/One" }];
    const writes = planSyncWrites({
      nodeId: "n1",
      reported: [
        report("hf/acme/One", { commit: cand, state: "downloading" }),
        report("hf/acme/One", { state: "ready" }),
        report("hf/acme/One", { commit: prev, state: "ready" }),
      ],
      known,
      stored: [stored("m1", { state: "ready" })],
    });
    // The current state did not move: nothing written to it, no listing rebuild for a candidate's progress.
    expect(writes.upserts).toEqual([]);
    expect(writes.commitUpserts).toEqual([
      expect.objectContaining({ modelId: "m1", commit: cand, state: "downloading" }),
      expect.objectContaining({ modelId: "m1", commit: prev, state: "ready" }),
    ]);
    expect(writes.changed).toBe(false);

    // A commit the registry no longer has, reported beside a ready current state, never hides it.
    const stale = planSyncWrites({
      nodeId: "n1",
      reported: [report("hf/acme/One", { commit: "e".repeat(40), state: "downloading" })],
      known: knownFor([report("hf/acme/One")]),
      stored: [stored("m1", { state: "ready" })],
      removed: [],
    });
    expect(stale.upserts).toEqual([]);
    expect(stale.commitUpserts).toEqual([expect.objectContaining({ commit: "e".repeat(40) })]);

    // A full list without the candidate drops its stored state; a ready candidate is flagged for promotion.
    const storedCand = { ...stored("m1"), commit: cand, reportHash: 7n };
    const dropped = planSyncWrites({
      nodeId: "n1",
      reported: [report("hf/acme/One", { state: "ready" })],
      known,
      stored: [stored("m1", { state: "ready" })],
      storedCommits: [storedCand],
    });
    expect(dropped.commitsGone).toEqual([{ modelId: "m1", commit: cand }]);
    expect(dropped.digestChange).toBe(7n);
    const readyNow = planSyncWrites({
      nodeId: "n1",
      reported: [report("hf/acme/One", { commit: cand, state: "ready" })],
      known,
      stored: [],
      storedCommits: [storedCand],
      removed: [],
    });
    expect(readyNow.candidatesReady).toEqual(["m1"]);
  });

  it("drops every commit of a model a delta removes by name, as well as the current state", () => {
    const cand = "c".repeat(40);
    const known = [{ ...models[0], candidate: cand, previous: null, reported: "hf/acme/One" }];
    const writes = planSyncWrites({
      nodeId: "n1",
      reported: [],
      known,
      stored: [stored("m1", { state: "ready", reportHash: 1n })],
      storedCommits: [{ ...stored("m1"), commit: cand, reportHash: 6n }],
      removed: known,
    });
    expect(writes.gone).toEqual(["m1"]);
    expect(writes.commitsGone).toEqual([{ modelId: "m1", commit: cand }]);
    expect(writes.digestChange).toBe(7n);
  });
});
