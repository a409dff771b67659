import "server-only";
import { ApiError } from "@/lib/api/errors";

// A full state is a node's whole list (a thousand models: 150 KB to parse, a thousand
// entries to check and hash, a thousand rows to compare and write), sent on first contact
// and when the server asks. Heartbeats with a large body take a place here before their
// body is read (lib/nodes/sync-node.ts). A fleet starting at once
// sends all of them together; taken all at once they held every database connection past
// its timeout, every heartbeat (the cheap ones too) failed with a 503, and each failed
// full state was sent again: it never settled. So at most `running` are stored at once and
// `waiting` more may queue; beyond that a full state is refused at once with `server_busy`
// (the heartbeat still counted for the node's liveness) and the agent sends it again.
// Per server instance. docs/sync-protocol.md.

const running = 4;
const waiting = 16;
const retryAfterS = 5;

type Gate = { active: number; queue: (() => void)[] };
const globalForGate = globalThis as unknown as { __llmlbFullStateGate?: Gate };
globalForGate.__llmlbFullStateGate ??= { active: 0, queue: [] };
const gate: Gate = globalForGate.__llmlbFullStateGate;

/**
 * Runs `store` when a place is free. When too many are waiting, runs `refused` (the
 * heartbeat still counts for liveness) and throws `server_busy`.
 */
export async function withFullStateGate<T>(store: () => Promise<T>, refused?: () => Promise<unknown>): Promise<T> {
  if (gate.active >= running) {
    if (gate.queue.length >= waiting) {
      await refused?.();
      throw new ApiError(
        "server_busy",
        "The server is storing many full states at once; this one was not stored. The heartbeat still counted for the node's liveness; send the full state again after Retry-After.",
        { headers: { "retry-after": String(retryAfterS) } },
      );
    }
    await new Promise<void>((resolve) => gate.queue.push(resolve));
  } else {
    gate.active++;
  }
  try {
    return await store();
  } finally {
    const next = gate.queue.shift();
    // The place passes to the next in line; `active` stays the same.
    if (next) next();
    else gate.active--;
  }
}
