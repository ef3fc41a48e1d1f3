// Token estimate used where no tokenizer is loaded: ~4 characters per token for English text,
// never less than one token per word-ish run (a run of non-whitespace, as /\S+/ finds them).
export function estimateTokens(text: string): number {
  if (!text) return 0;
  const byChars = Math.ceil(text.length / 4);
  // counted in place: splitting into words allocates a string per word on every request
  let byWords = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) byWords++;
    inWord = !space;
  }
  return Math.max(byChars, byWords);
}

/** exactly the characters JavaScript's \s matches */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
