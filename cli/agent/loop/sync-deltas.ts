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
  Pick<SyncBody, "full" | "removed" | "registry_etag">;

export class SyncDeltas {
  private session = newSession();
  private seq = 0;
  private acked = 0;
  private digest = 0n;
  private readonly held = new Map<string, Held>();
  /** Names dropped, with the number of their removal, until the server acknowledges it. */
  private readonly removed = new Map<string, number>();
  /** The next heartbeat sends everything: first contact, or the server asked for it. */
  private fullNext = true;
  /** The server answered without `acked`: it predates deltas and takes only full lists. */
  private serverTakesDeltas = true;

  /** Takes the entries the node holds now: whatever differs from the last call is a change. */
  observe(entries: SyncModel[]): void {
    const now = new Set<string>();
    for (const entry of entries) {
      now.add(entry.name);
      const json = JSON.stringify(entry);
      const before = this.held.get(entry.name);
      if (before?.json === json) continue;
      const hash = before && sameDigestFields(before.entry, entry) ? before.hash : hashEntry(entry);
      this.digest ^= (before?.hash ?? 0n) ^ hash;
      this.held.set(entry.name, { json, entry, hash, rev: ++this.seq });
      this.removed.delete(entry.name);
    }
    for (const [name, held] of this.held) {
      if (now.has(name)) continue;
      this.digest ^= held.hash;
      this.held.delete(name);
      this.removed.set(name, ++this.seq);
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
    return {
      ...base,
      full: false,
      models: [...this.held.values()].filter((h) => h.rev > this.acked).map((h) => h.entry),
      removed: [...this.removed].filter(([, rev]) => rev > this.acked).map(([name]) => name),
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
    for (const [name, rev] of this.removed) if (rev <= this.acked) this.removed.delete(name);
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

function newSession(): string {
  return randomBytes(12).toString("base64url");
}
