// Bun Worker: runs a GGUF through node-llama-cpp off the event loop. The model and one context are
// loaded once, with two sequences: classification keeps its history, so the next call reuses the
// evaluated classifier prompt (only the new question is evaluated); answers clear theirs after each
// job, so the token meter counts the whole prompt as the answer's input tokens.
import type { ChatHistoryItem, Llama, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel } from "node-llama-cpp";
import { labelSchema, recoverLabel } from "./slm-label.ts";
import type { FromSlmWorker, SlmJob, SlmLoadSettings, ToSlmWorker } from "./slm-protocol.ts";

declare const self: Worker;

let llama: Llama | undefined;
let model: LlamaModel | undefined;
let context: LlamaContext | undefined;
let classifySequence: LlamaContextSequence | undefined;
let answerSequence: LlamaContextSequence | undefined;
let settings: SlmLoadSettings | undefined;
const grammars = new Map<string, LlamaGrammar>();
const running = new Map<number, AbortController>();

const reply = (msg: FromSlmWorker) => self.postMessage(msg);

async function load(s: SlmLoadSettings) {
  try {
    const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
    settings = s;
    // build "never": a missing prebuilt binary is an error, never a compile at startup
    llama = await getLlama({ gpu: s.gpu, build: "never", logLevel: LlamaLogLevel.error, progressLogs: false });
    model = await llama.loadModel({ modelPath: s.modelPath });
    context = await model.createContext({ threads: s.threads, contextSize: Math.min(s.contextSize, model.trainContextSize), sequences: 2 });
    classifySequence = context.getSequence();
    answerSequence = context.getSequence();
    reply({ type: "loaded", gpu: llama.gpu, contextSize: context.contextSize });
  } catch (err) {
    reply({ type: "load_failed", message: (err as Error).message ?? String(err) });
  }
}

async function grammarFor(labels: readonly string[]): Promise<LlamaGrammar> {
  const key = labels.join("|");
  let grammar = grammars.get(key);
  if (!grammar) grammars.set(key, (grammar = await llama!.createGrammarForJsonSchema(labelSchema(labels) as never)));
  return grammar;
}

function history(job: Extract<SlmJob, { kind: "generate" }>): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = [{ type: "system", text: job.system }];
  for (const turn of job.turns.slice(0, -1)) items.push(turn.role === "user" ? { type: "user", text: turn.text } : { type: "model", response: [turn.text] });
  return items;
}

async function run(id: number, job: SlmJob) {
  const { LlamaChatSession } = await import("node-llama-cpp");
  const stop = new AbortController();
  running.set(id, stop);
  let aborted = false;
  stop.signal.addEventListener("abort", () => (aborted = stop.signal.reason !== "label"), { once: true });
  const sequence = job.kind === "classify" ? classifySequence! : answerSequence!;
  const meter = sequence.tokenMeter.getState();
  const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: job.system, autoDisposeSequence: false });
  let outcome: FromSlmWorker;
  try {
    const common = { temperature: 0, repeatPenalty: { penalty: settings!.repeatPenalty }, signal: stop.signal, stopOnAbortSignal: true, maxTokens: job.maxTokens };
    let text = "";
    let label: string | undefined;
    let result: Awaited<ReturnType<typeof session.promptWithMeta>>;
    if (job.kind === "classify") {
      result = await session.promptWithMeta(job.prompt, {
        ...common,
        grammar: await grammarFor(job.labels),
        onTextChunk: (chunk) => {
          text += chunk;
          // the grammar allows nothing but the closing brace after the label: no need to wait for it
          if (!label && (label = recoverLabel(text, job.labels))) stop.abort("label");
        },
      });
    } else {
      session.setChatHistory(history(job));
      const last = job.turns[job.turns.length - 1]!;
      result = await session.promptWithMeta(last.text, { ...common, onTextChunk: (chunk) => reply({ type: "text", id, text: chunk }) });
    }
    if (aborted) throw new Error("aborted");
    const used = sequence.tokenMeter.diff(meter);
    outcome = {
      type: "done",
      id,
      text: result.responseText,
      label: label ?? (job.kind === "classify" ? recoverLabel(result.responseText, job.labels) : undefined),
      finish: result.stopReason === "maxTokens" ? "length" : "stop",
      inputTokens: used.usedInputTokens,
      outputTokens: used.usedOutputTokens,
    };
  } catch (err) {
    outcome = { type: "failed", id, message: (err as Error).message ?? String(err), aborted };
  }
  running.delete(id);
  session.dispose({ disposeSequence: false });
  if (job.kind === "generate") await sequence.clearHistory();
  reply(outcome);
}

// jobs run one after another: the next starts once the previous one's sequence is cleared
let queue: Promise<void> = Promise.resolve();
self.onmessage = (event: MessageEvent<ToSlmWorker>) => {
  const msg = event.data;
  if (msg.type === "load") void load(msg.settings);
  else if (msg.type === "abort") running.get(msg.id)?.abort("cancel");
  else queue = queue.then(() => run(msg.id, msg.job));
};
