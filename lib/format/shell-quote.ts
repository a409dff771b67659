// Commands the console shows for copying end up pasted into a POSIX shell, and the values
// in them are not ours: a repository's author chooses file names (`tiny-$(touch x).gguf`),
// and the origin comes from the request's Host header.

// What a shell never treats specially, as Python's shlex.quote has it.
const plainWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `value` as one shell word: left as it is when plain, else single-quoted (`'` as `'\''`). */
export function quoteForShell(value: string): string {
  return plainWord.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
