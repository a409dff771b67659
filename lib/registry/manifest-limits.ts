// Bounds on what a registration derives from a Hub answer. Nodes echo variant names in
// every heartbeat and read every manifest whole, so one repository with absurd names or
// a huge file list must not cost the fleet more than a normal one. A heartbeat accepts
// longer variant names (SYNC_ENTRY_LIMITS in lib/api/node-schemas.ts) than are derived
// here, so names stored before these bounds still fit.

/**
 * Longest variant name the server derives. Longer names (a quant named after a deep
 * folder, a long GGUF file stem) are shortened with "…" and a hash of the whole name, so
 * they stay unique and the same on every registration.
 */
export const maxVariantNameLength = 120;

/**
 * Most variants one manifest holds. Real repositories offer a few dozen at most (every
 * llama.cpp quant type, twice); past this a whole-repository registration is refused
 * (422 manifest_too_large) and the operator registers one file or one quantization.
 */
export const maxManifestVariants = 512;

/**
 * Most files one manifest lists (a 405B checkpoint has under 200 shards). With files of
 * at most 1 TiB each, sizes summed over a manifest stay exact in a JavaScript number.
 */
export const maxManifestArtifacts = 4096;

/** Items a derived message lists (missing shards, available quants…) before "and N more". */
export const maxListedItems = 5;
