// The agent's side of the delta protocol: what each heartbeat carries, given what the
// server acknowledged (docs/sync-protocol.md). The server's side is tested in
// tests/api/sync-protocol.test.ts, and both together in tests/nodes/sync-fleet.test.ts.
import { describe, expect, it } from "vitest";
import type { SyncModel, SyncResponse } from "@/lib/api/node-schemas";
import { combineHashes, formatDigest, hashEntry } from "@/lib/api/sync-digest";
import { SyncDeltas } from "../../cli/agent/loop/sync-deltas";

const ready = (name: string): SyncModel => ({ name, state: "ready", variant: "gguf:Q4_K_M", commit: "a".repeat(40) });
const downloading = (name: string, done: number): SyncModel => ({
  name,
  state: "downloading",
  bytes_done: done,
  bytes_total: 100,
  commit: "a".repeat(40),
});
const answer = (acked: number | undefined, snapshot = false): SyncResponse => ({
  heartbeat_interval_s: 5,
  registry_etag: '"r1"',
  refused: [],
  ...(acked === undefined ? {} : { acked, snapshot }),
});
const digestOf = (entries: SyncModel[]) => formatDigest(combineHashes(entries.map(hashEntry)));

/** A tracker past its first (full) heartbeat, holding `entries`. */
function synced(entries: SyncModel[]) {
  const deltas = new SyncDeltas();
  deltas.observe(entries);
  const first = deltas.next('"r1"');
  deltas.answered(answer(first.seq), first);
  return deltas;
}

describe("the agent's heartbeat deltas", () => {
  it("starts with its full state, then sends nothing while nothing changes", () => {
    const deltas = new SyncDeltas();
    const held = [ready("a"), downloading("b", 10)];
    deltas.observe(held);
    const first = deltas.next('"r1"');
    expect(first).toMatchObject({
      protocol: 2,
      full: true,
      models: held,
      digest: digestOf(held),
      registry_etag: '"r1"',
    });
    deltas.answered(answer(first.seq), first);
    deltas.observe(held);
    const idle = deltas.next('"r1"');
    expect(idle).toMatchObject({ full: false, models: [], removed: [], seq: first.seq, session: first.session });
  });

  it("sends what changed and what went, and the digest of everything it holds", () => {
    const deltas = synced([ready("a"), downloading("b", 10), ready("c")]);
    deltas.observe([ready("a"), downloading("b", 60)]);
    const delta = deltas.next('"r1"');
    expect(delta.models).toEqual([downloading("b", 60)]);
    expect(delta.removed).toEqual(["c"]);
    expect(delta.digest).toBe(digestOf([ready("a"), downloading("b", 60)]));
  });

  it("sends a change again until the server acknowledges it (a lost heartbeat or answer)", () => {
    const deltas = synced([downloading("b", 10)]);
    deltas.observe([ready("b")]);
    const lost = deltas.next('"r1"');
    expect(lost.models).toEqual([ready("b")]);
    // No answer came. A later change adds to what is still unacknowledged.
    deltas.observe([ready("b"), ready("d")]);
    const next = deltas.next('"r1"');
    expect(next.models).toEqual([ready("b"), ready("d")]);
    expect(next.seq).toBeGreaterThan(lost.seq);
    deltas.answered(answer(next.seq), next);
    deltas.observe([ready("b"), ready("d")]);
    expect(deltas.next('"r1"').models).toEqual([]);
  });

  it("keeps a removal until it is acknowledged, and forgets it when the model comes back", () => {
    const deltas = synced([ready("a"), ready("b")]);
    deltas.observe([ready("a")]);
    expect(deltas.next(null).removed).toEqual(["b"]);
    deltas.observe([ready("a")]);
    expect(deltas.next(null).removed).toEqual(["b"]);
    deltas.observe([ready("a"), downloading("b", 1)]);
    const back = deltas.next(null);
    expect(back.removed).toEqual([]);
    expect(back.models).toEqual([downloading("b", 1)]);
  });

  it("sends everything next when the server asks for a snapshot, and after a new announce", () => {
    const deltas = synced([ready("a")]);
    deltas.observe([ready("a"), ready("b")]);
    const delta = deltas.next(null);
    deltas.answered(answer(0, true), delta);
    expect(deltas.wantsFull).toBe(true);
    const full = deltas.next(null);
    expect(full).toMatchObject({ full: true, models: [ready("a"), ready("b")] });
    deltas.answered(answer(full.seq), full);
    expect(deltas.next(null).full).toBe(false);

    deltas.restart();
    const again = deltas.next(null);
    expect(again).toMatchObject({ full: true, models: [ready("a"), ready("b")] });
    expect(again.session).not.toBe(full.session);
  });

  it("sends its full list every time to a server that does not speak deltas", () => {
    const deltas = new SyncDeltas();
    deltas.observe([ready("a")]);
    const first = deltas.next(null);
    deltas.answered(answer(undefined), first);
    deltas.observe([ready("a")]);
    expect(deltas.next(null)).toMatchObject({ full: true, models: [ready("a")] });
    expect(deltas.wantsFull).toBe(false); // nothing to hurry: every heartbeat is full anyway
  });

  it("does not move its digest on progress alone", () => {
    const deltas = synced([downloading("b", 10)]);
    const before = deltas.next(null).digest;
    deltas.observe([downloading("b", 90)]);
    expect(deltas.next(null).digest).toBe(before);
  });
});
