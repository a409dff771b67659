// What the server already knows of this node's state, so that a heartbeat carries only what
// changed since (docs/sync-protocol.md). Every change of an entry, or its removal, takes the
// next number of this run's session; the server acknowledges the newest number it stored,
// and a heartbeat carries every change numbered after that. Deltas are cumulative: a lost
// heartbeat, or one arriving after a newer one, loses nothing.
import { randomBytes } from "node:crypto";
import type { SyncBody, SyncModel, SyncResponse } from "../../../lib/api/node-schemas";
import { formatDigest, hashEntry } from "../../../lib/api/sync-digest";

type Held = { json: string; entry: SyncModel; hash: bigint; rev: number };

/** What a heartbeat sends apart from free disk: a full state or the changes since `acked`. */
export type SyncPayload = Required<Pick<SyncBody, "protocol" | "session" | "seq" | "digest" | "models">> &
  Pick<SyncBody, "full" | "removed" | "removed_commits" | "registry_etag">;

export class SyncDeltas {
  private session = newSession();
  private seq = 0;
  private acked = 0;
  private digest = 0n;
  /** By name and commit: a node reports a model once per commit it holds. */
  private readonly held = new Map<string, Held>();
  /** Entries dropped, with the number of their removal, until the server acknowledges it. */
  private readonly removed = new Map<string, { name: string; commit: string | null; rev: number }>();
  /** The next heartbeat sends everything: first contact, or the server asked for it. */
  private fullNext = true;
  /** The server answered without `acked`: it predates deltas and takes only full lists. */
  private serverTakesDeltas = true;

  /** Takes the entries the node holds now: whatever differs from the last call is a change. */
  observe(entries: SyncModel[]): void {
    const now = new Set<string>();
    for (const entry of entries) {
      const key = keyOf(entry);
      now.add(key);
      const json = JSON.stringify(entry);
      const before = this.held.get(key);
      if (before?.json === json) continue;
      const hash = before && sameDigestFields(before.entry, entry) ? before.hash : hashEntry(entry);
      this.digest ^= (before?.hash ?? 0n) ^ hash;
      this.held.set(key, { json, entry, hash, rev: ++this.seq });
      this.removed.delete(key);
    }
    for (const [key, held] of this.held) {
      if (now.has(key)) continue;
      this.digest ^= held.hash;
      this.held.delete(key);
      this.removed.set(key, { name: held.entry.name, commit: held.entry.commit ?? null, rev: ++this.seq });
    }
  }

  /** The next heartbeat's state part. `registryEtag`: the listing the state reflects. */
  next(registryEtag: string | null): SyncPayload & { full: boolean } {
    const full = this.fullNext || !this.serverTakesDeltas;
    const base = {
      protocol: 2 as const,
      session: this.session,
      seq: this.seq,
      digest: formatDigest(this.digest),
      ...(registryEtag ? { registry_etag: registryEtag } : {}),
    };
    if (full) return { ...base, full: true, models: [...this.held.values()].map((h) => h.entry) };
    const removed = [...this.removed.values()].filter((r) => r.rev > this.acked);
    const stillHeld = new Set([...this.held.values()].map((h) => h.entry.name));
    const removedCommits = removed.flatMap((r) => (r.commit ? [{ name: r.name, commit: r.commit }] : []));
    return {
      ...base,
      full: false,
      models: [...this.held.values()].filter((h) => h.rev > this.acked).map((h) => h.entry),
      // A name no entry is left for: the model itself is gone from this node. One commit of
      // it gone (a candidate cancelled, a previous commit past its grace) goes by commit.
      removed: [...new Set(removed.filter((r) => !stillHeld.has(r.name)).map((r) => r.name))],
      ...(removedCommits.length ? { removed_commits: removedCommits } : {}),
    };
  }

  /** The server's answer to a heartbeat that carried changes up to `sentSeq`. */
  answered(res: SyncResponse, sent: { seq: number; full: boolean }): void {
    if (res.acked === undefined) {
      // A server of before the protocol: it stored the full list, and wants one every time.
      this.serverTakesDeltas = false;
      this.removed.clear();
      return;
    }
    this.serverTakesDeltas = true;
    if (res.snapshot) {
      this.fullNext = true;
      return;
    }
    this.acked = Math.min(res.acked, this.seq);
    if (sent.full && res.acked >= sent.seq) this.fullNext = false;
    for (const [key, r] of this.removed) if (r.rev <= this.acked) this.removed.delete(key);
  }

  /** A new session (the node was announced again): the server hears everything afresh. */
  restart(): void {
    this.session = newSession();
    this.acked = 0;
    this.removed.clear();
    this.fullNext = true;
  }

  /** True when the next heartbeat must be a full state (the server just asked). */
  get wantsFull(): boolean {
    return this.fullNext && this.serverTakesDeltas;
  }
}

/** The fields the digest covers (lib/api/sync-digest.ts): progress alone keeps the hash. */
function sameDigestFields(a: SyncModel, b: SyncModel): boolean {
  return (
    a.state === b.state &&
    (a.commit ?? null) === (b.commit ?? null) &&
    (a.variant ?? null) === (b.variant ?? null) &&
    a.error?.code === b.error?.code &&
    a.error?.message === b.error?.message
  );
}

function keyOf(entry: SyncModel): string {
  return `${entry.name}\u0000${entry.commit?.toLowerCase() ?? ""}`;
}

function newSession(): string {
  return randomBytes(12).toString("base64url");
}
