/** A commit's first seven hex digits, as git and the Hub abbreviate it. */
export const shortCommit = (commit: string) => commit.slice(0, 7);

/** True when a revision is a 40-hex commit: it never moves, so such a registration is never checked upstream. */
export const isPinnedToCommit = (revision: string) => /^[0-9a-f]{40}$/i.test(revision);
