// The L2 classification task (ADR-003, seed 003): tiered TEMPLATE / SNIPPET / COMPLEX or binary
// SIMPLE / COMPLEX, as a JSON object whose label the output grammar restricts to these values.
// The label is read from the grammar-constrained prefix: once `"label": "X"` has been emitted the
// grammar admits nothing else, so a reply cut short by the token limit afterwards still names it,
// while a reply cut before the label closes names none (and L2 passes the request on).

export type ClassifierMode = "tiered" | "binary";

export const LABELS: Record<ClassifierMode, readonly string[]> = {
  tiered: ["TEMPLATE", "SNIPPET", "COMPLEX"],
  binary: ["SIMPLE", "COMPLEX"],
};

/** labels answered locally unless layer2.local_labels says otherwise */
export const DEFAULT_LOCAL_LABELS: Record<ClassifierMode, readonly string[]> = {
  tiered: ["TEMPLATE", "SNIPPET"],
  binary: ["SIMPLE"],
};

const INSTRUCTIONS: Record<ClassifierMode, string> = {
  tiered:
    "You triage requests sent to an AI assistant. Reply with JSON {\"label\": ...}. " +
    "TEMPLATE: greetings, thanks, small talk, or a fixed-form reply (a definition, a yes/no fact). " +
    "SNIPPET: a short, self-contained answer (one formula, a one-line command, a short code snippet). " +
    "COMPLEX: anything needing reasoning, several steps, long code, analysis, or up-to-date knowledge.",
  binary:
    "You triage requests sent to an AI assistant. Reply with JSON {\"label\": ...}. " +
    "SIMPLE: a greeting, small talk or a short factual answer a small model can give. " +
    "COMPLEX: anything needing reasoning, several steps, code, analysis, or up-to-date knowledge.",
};

export function classifierSystemPrompt(mode: ClassifierMode): string {
  return INSTRUCTIONS[mode];
}

/** The JSON schema the output grammar is built from. */
export function labelSchema(labels: readonly string[]) {
  return {
    type: "object",
    properties: { label: { type: "string", enum: [...labels] } },
    required: ["label"],
    additionalProperties: false,
  } as const;
}

/** The label a (possibly unfinished) JSON reply commits to, or undefined. */
export function recoverLabel(text: string, labels: readonly string[]): string | undefined {
  const m = /"label"\s*:\s*"([^"\\]*)"/.exec(text);
  return m && labels.includes(m[1]!) ? m[1] : undefined;
}
