// Bounds on what the server reads from a Hub answer. The Hub (or a mirror set as
// HF_ENDPOINT) is trusted to say what a repository holds, not to be well-formed or small.

/** Most bytes of one metadata answer read (after decompression); a real one is well under 1 MB. */
export const maxHubAnswerBytes = 32 * 1024 * 1024;

/**
 * Longest file path kept from a sibling list: with an id of at most 193 characters, a
 * single-file model name (`hf/{owner}/{repo}/{path}`) stays within the 1,200 characters
 * a node may echo in a heartbeat.
 */
export const maxRepoPathLength = 1000;

/** Largest file size believed (1 TiB; the Hub stores files of at most 50 GB). */
export const maxFileBytes = 2 ** 40;

export const maxTags = 500;
export const maxTagLength = 256;

/** Examples of left-out sibling entries kept for the registration warning. */
export const maxSkippedExamples = 3;
