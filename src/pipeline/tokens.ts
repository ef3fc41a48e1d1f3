// Token estimate used where no tokenizer is loaded: ~4 characters per token for English text,
// never less than one token per word-ish run.
export function estimateTokens(text: string): number {
  if (!text) return 0;
  const byChars = Math.ceil(text.length / 4);
  const byWords = text.split(/\s+/).filter(Boolean).length;
  return Math.max(byChars, byWords);
}
