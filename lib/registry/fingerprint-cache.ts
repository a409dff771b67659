import "server-only";
import { getRegistryFingerprint, type RegistryFingerprint } from "@/lib/db/queries/registry-state";
import { nodeOfflineAfterSeconds } from "@/lib/nodes/constants";

// Under load every listing request would read the fingerprint from the database.
// Sharing one read for a quarter of a second removes that round trip from hot
// paths; writes made through this process drop it at once, so a registration is
// visible in the same request, and other instances see it within 250 ms.
const freshForMs = 250;

type Slot = { value?: RegistryFingerprint; at: number; pending?: Promise<RegistryFingerprint>; generation: number };
const globalForFp = globalThis as unknown as { __llmlbFingerprint?: Slot };
globalForFp.__llmlbFingerprint ??= { at: 0, generation: 0 };
const slot: Slot = globalForFp.__llmlbFingerprint;

/** The fingerprint as the database has it now, with the online set by the nodes' offline threshold. */
export function readFingerprint(): Promise<RegistryFingerprint> {
  return getRegistryFingerprint({ offlineAfterSeconds: nodeOfflineAfterSeconds });
}

/** The fingerprint read at most 250 ms ago by this process, or now. */
export async function getRecentFingerprint(): Promise<RegistryFingerprint> {
  if (slot.value && Date.now() - slot.at < freshForMs) return slot.value;
  if (!slot.pending) {
    const generation = slot.generation;
    const started = Date.now();
    slot.pending = readFingerprint()
      .then((value) => {
        // A write that landed while this read was in flight must not be hidden by it.
        if (generation === slot.generation) {
          slot.value = value;
          slot.at = started;
        }
        return value;
      })
      .finally(() => {
        slot.pending = undefined;
      });
  }
  return slot.pending;
}

/** Call after any write that changes a listing: the next request reads the database. */
export function invalidateFingerprint(): void {
  slot.value = undefined;
  slot.pending = undefined;
  slot.generation++;
}
