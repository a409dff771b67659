// The blob writer's memory: a ring of SLOTS slots of SLOT bytes, on page boundaries where
// the platform allows it, so O_DIRECT can write straight from them.

export const SLOT = 1024 * 1024;
export const SLOTS = 8;

export interface Ring {
  bytes: Buffer;
  /** Slots on page boundaries, as O_DIRECT requires. */
  aligned: boolean;
}

/**
 * WebAssembly memory is mapped whole pages at a time, so its slots sit on page
 * boundaries; a Node Buffer has no such guarantee. V8 reserves several GiB of address
 * space per WebAssembly memory, which a `ulimit -v` can refuse: then a plain Buffer, and
 * writes through the page cache. Rings are reused: each running download needs one.
 */
const spareRings: Ring[] = [];
/** Enough for the downloads a node runs at once (LLMLB_NODE_DOWNLOADS is usually a few). */
const MAX_SPARE_RINGS = 4;
export function takeRing(): Ring {
  const spare = spareRings.pop();
  if (spare) return spare;
  const pages = (SLOT * SLOTS) / 65536;
  try {
    return { bytes: Buffer.from(new WebAssembly.Memory({ initial: pages, maximum: pages }).buffer), aligned: true };
  } catch {
    return { bytes: Buffer.allocUnsafeSlow(SLOT * SLOTS), aligned: false };
  }
}
export function giveBack(ring: Ring): void {
  if (spareRings.length < MAX_SPARE_RINGS) spareRings.push(ring);
}
