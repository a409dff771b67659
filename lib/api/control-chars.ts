// Control characters (C0 U+0000–U+001F, DEL, C1 U+0080–U+009F) in text that came from
// outside: PostgreSQL refuses NUL in text, and nothing a person reads as a name needs any
// of them. Checked by code point rather than with a regular expression of control characters.

const isControl = (code: number) => code <= 0x1f || (code >= 0x7f && code <= 0x9f);

export function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (isControl(value.charCodeAt(i))) return true;
  return false;
}

/** Drops control characters, keeping tabs and new lines (free text such as messages). */
export function stripControlCharacters(value: string): string {
  if (!hasControlCharacters(value)) return value;
  let kept = "";
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (!isControl(code) || char === "\n" || char === "\t") kept += char;
  }
  return kept;
}
