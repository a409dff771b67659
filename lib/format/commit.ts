/** A commit's first seven hex digits, as git and the Hub abbreviate it. */
export const shortCommit = (commit: string) => commit.slice(0, 7);
