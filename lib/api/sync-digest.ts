// The digest of a node's state, computed the same way by the agent (over what it holds) and
// the server (over what it stored): the XOR of a 64-bit hash of each entry as the node
// reported it. XOR lets the server keep it up to date from the entries a delta changes,
// without reading the rest. Progress (bytes) is left out: it moves on its own every
// heartbeat of a download and says nothing about whether the two sides agree.
// docs/sync-protocol.md tells how it is used.
import { createHash } from "node:crypto";

export interface DigestedEntry {
  name: string;
  state: string;
  commit?: string | null;
  variant?: string | null;
  error?: { code: string; message: string } | null;
}

/** 64 bits of sha256 over an entry's fields, as a signed integer (PostgreSQL's bigint). */
export function hashEntry(entry: DigestedEntry): bigint {
  const text = [
    entry.name,
    entry.commit?.toLowerCase() ?? "",
    entry.state,
    entry.variant ?? "",
    entry.error?.code ?? "",
    entry.error?.message ?? "",
  ].join("\n");
  const hex = createHash("sha256").update(text).digest("hex").slice(0, 16);
  return BigInt.asIntN(64, BigInt(`0x${hex}`));
}

/** The digest of a set of entry hashes: their XOR. */
export function combineHashes(hashes: Iterable<bigint>): bigint {
  let digest = 0n;
  for (const hash of hashes) digest ^= hash;
  return digest;
}

/** On the wire: 16 lowercase hex digits of the unsigned value. */
export function formatDigest(digest: bigint): string {
  return BigInt.asUintN(64, digest).toString(16).padStart(16, "0");
}

export function parseDigest(text: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${text}`));
}
