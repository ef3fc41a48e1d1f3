// Configuration → the L3 provider setup: one client per provider (from the registry), its key
// pool and breaker, the chain, the model router, usage log, quotas and health.
import { isoTime } from "../pipeline/ids.ts";
import type { Config } from "../config/types.ts";
import type { Answer, RequestContext } from "../pipeline/context.ts";
import { estimateTokens } from "../pipeline/tokens.ts";
import { ModelRouter, type RouteTarget } from "./aliases.ts";
import { AnthropicClient } from "./anthropic-client.ts";
import { CircuitBreaker, ProviderChain, type ChainMember } from "./chain.ts";
import { defaultModel, effectiveProviders } from "./default-provider.ts";
import { HealthPinger, HealthTracker, pingProvider, type HealthState, type PingTarget } from "./health.ts";
import { KeyPool, type KeyStatus } from "./key-pool.ts";
import { OpenAICompatibleClient } from "./openai-compatible.ts";
import type { ProviderCall, ProviderClient } from "./provider.ts";
import { QuotaTracker } from "./quotas.ts";
import { costUsd, priceFor, vendor, vendorIdOf, type ProviderEntry, type VendorSpec } from "./registry.ts";
import { UsageLog } from "./usage-log.ts";
import { UpstreamBoundary } from "./upstream-boundary.ts";
import { configuredSecrets, Redactor } from "../telemetry/redact.ts";

export interface BuildChainOptions {
  /** wraps each upstream client (e.g. the AIMD concurrency limiter in front of every provider) */
  wrapClient?: (providerName: string, client: ProviderClient) => ProviderClient;
  /** use this client instead of the configured providers (tests, embedding); null = no provider */
  client?: ProviderClient | null;
  /** where api_key_env names are looked up (default process.env) */
  env?: Record<string, string | undefined>;
}

export interface ProviderStatusView {
  name: string;
  vendor: string;
  status: HealthState;
  circuit: "closed" | "open" | "half_open";
  latency_ms?: number;
  last_error?: string;
  last_error_at?: string;
  last_success_at?: string;
  requests: number;
  errors: number;
  keys: { available: number; total: number; detail: KeyStatus[] };
}

export interface ProbeResult {
  ok: boolean;
  latency_ms: number;
  /** how many models the provider listed */
  models?: number;
  error?: string;
}

export interface ModelListing {
  id: string;
  owned_by: string;
}

export interface ProviderSetup {
  chain: ProviderChain;
  router: ModelRouter;
  health: HealthTracker;
  usage: UsageLog;
  quotas?: QuotaTracker;
  /** provider names in chain order */
  names: string[];
  status(): ProviderStatusView[];
  models(): ModelListing[];
  /** records the tokens and cost a deflected answer saved (PipelineObserver.answered) */
  recordSaved(answer: Answer, ctx: RequestContext): void;
  /** one connectivity check now (the provider's model list); undefined for an unknown provider */
  probe(name: string): Promise<ProbeResult | undefined>;
  /** starts background health pings (when configured) */
  start(): void;
  close(): Promise<void>;
}

/** A native client whose module is loaded on first use, so builds without it still start. */
class LazyClient implements ProviderClient {
  private loaded: Promise<ProviderClient> | undefined;
  constructor(
    readonly name: string,
    private readonly load: () => Promise<ProviderClient>,
  ) {}
  private client() {
    return (this.loaded ??= this.load());
  }
  async complete(call: ProviderCall) {
    return (await this.client()).complete(call);
  }
  async stream(call: ProviderCall) {
    return (await this.client()).stream(call);
  }
}

function keysOf(entry: ProviderEntry, env: Record<string, string | undefined>): string[] {
  const fromEnv = entry.api_key_env ? env[entry.api_key_env] : undefined;
  return [...(entry.api_keys ?? []), ...(entry.api_key ? [entry.api_key] : []), ...(fromEnv ? [fromEnv] : [])];
}

export function createClient(entry: ProviderEntry, spec: VendorSpec, timeoutMs: number, firstKey: string | undefined): ProviderClient {
  const baseUrl = entry.base_url || spec.baseUrl;
  const common = { name: entry.name, baseUrl, timeoutMs, headers: entry.headers };
  switch (spec.protocol) {
    case "anthropic":
      // the pool's key arrives per call (ProviderCall.apiKey); the first key is the client's own default
      return new AnthropicClient({ ...common, apiKey: firstKey });
    case "gemini":
      return new LazyClient(entry.name, async () => {
        const { GeminiClient } = await import("./gemini-client.ts");
        return new GeminiClient({ ...common, apiKey: firstKey });
      });
    default:
      // the vendor's own endpoint serves /responses; a self-hosted server behind the same vendor name may not
      return new OpenAICompatibleClient({ ...common, authStyle: spec.auth, responsesApi: spec.responsesApi && (!spec.baseUrl || baseUrl === spec.baseUrl) });
  }
}

export function buildProviderChain(config: Config, opts: BuildChainOptions = {}): ProviderSetup {
  const env = opts.env ?? process.env;
  const outer = opts.wrapClient ?? ((_: string, c: ProviderClient) => c);
  // every client sits behind the upstream boundary (secrets scrubbed, Retry-After capped) before anything else sees it
  const boundary = { redactor: new Redactor({ secrets: configuredSecrets(config, env), patterns: config.log_redact_patterns }), maxRetryAfterSecs: config.max_retry_after_secs };
  const wrap = (name: string, c: ProviderClient) => outer(name, new UpstreamBoundary(c, boundary));
  const breaker = () => new CircuitBreaker(config.circuit_breaker.failure_threshold, config.circuit_breaker.cooldown_secs * 1000);
  const members: ChainMember[] = [];
  const pingTargets: PingTarget[] = [];
  const listed = new Map<string, string[]>();
  const entries = opts.client !== undefined ? [] : effectiveProviders(config);

  if (opts.client) {
    const name = opts.client.name;
    members.push({ name, vendor: "custom", client: wrap(name, opts.client), keys: new KeyPool(name, []), maxRetries: config.retry.max_retries, timeoutMs: config.external_llm_timeout_secs * 1000, breaker: breaker(), price: () => undefined });
  }
  for (const entry of entries) {
    const spec = vendor(vendorIdOf(entry))!;
    const keys = keysOf(entry, env);
    const timeoutMs = (entry.timeout_secs ?? config.external_llm_timeout_secs) * 1000;
    const pool = new KeyPool(entry.name, keys, entry.key_strategy ?? "round_robin");
    members.push({
      name: entry.name,
      vendor: vendorIdOf(entry),
      client: wrap(entry.name, createClient(entry, spec, timeoutMs, keys[0])),
      keys: pool,
      maxRetries: entry.max_retries ?? config.retry.max_retries,
      timeoutMs,
      breaker: breaker(),
      price: (model) => priceFor(model, entry.prices, spec.prices),
    });
    listed.set(entry.name, [...new Set([entry.model, ...(entry.models ?? []), entry.fallback_model].filter((m): m is string => Boolean(m)))]);
    pingTargets.push({
      provider: entry.name,
      protocol: spec.protocol,
      baseUrl: entry.base_url || spec.baseUrl,
      modelsPath: spec.modelsPath,
      auth: spec.auth,
      headers: entry.headers,
      key: () => pool.pick()?.secret,
      timeoutMs: Math.min(timeoutMs, 10_000),
    });
  }

  const usage = new UsageLog({ enabled: config.usage.enabled, path: config.usage.path, maxFileBytes: config.usage.max_file_bytes, maxFiles: config.usage.max_files });
  let quotas: QuotaTracker | undefined;
  if (config.quotas.length) {
    const q = new QuotaTracker(config.quotas);
    const now = new Date();
    for (const rec of usage.readSince(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)))) q.record(rec);
    usage.onRecord((rec) => q.record(rec));
    quotas = q;
  }
  const names = members.map((m) => m.name);
  const health = new HealthTracker(names);
  const chain = new ProviderChain(members, {
    baseDelayMs: config.retry.base_delay_ms,
    maxDelayMs: config.retry.max_delay_ms,
    keyCooldownMs: config.key_cooldown_secs * 1000,
    maxResponseBytes: config.max_upstream_response_bytes,
    usage,
    quotas,
    health,
  });
  const router = new ModelRouter(
    entries.length ? entries.map((e) => ({ name: e.name, model: e.model, fallbackModel: e.fallback_model })) : names.map((name) => ({ name })),
    config.aliases,
    defaultModel(config),
  );
  const byName = new Map(members.map((m) => [m.name, m]));
  let pinger: HealthPinger | undefined;

  return {
    chain,
    router,
    health,
    usage,
    quotas,
    names,
    status: () =>
      members.map((m) => {
        const h = health.snapshot(m.name)!;
        const circuit = m.breaker.state();
        return {
          name: m.name,
          vendor: m.vendor,
          status: circuit === "open" ? "down" : h.status,
          circuit,
          ...(h.last_latency_ms !== undefined ? { latency_ms: h.last_latency_ms } : {}),
          ...(h.last_error ? { last_error: h.last_error, last_error_at: h.last_error_at } : {}),
          ...(h.last_success_at ? { last_success_at: h.last_success_at } : {}),
          requests: h.requests,
          errors: h.errors,
          keys: { available: m.keys.available(), total: m.keys.size, detail: m.keys.status() },
        };
      }),
    models() {
      const out = new Map<string, ModelListing>();
      for (const alias of Object.keys(config.aliases)) out.set(alias, { id: alias, owned_by: "isartor-alias" });
      for (const name of names) {
        for (const id of [...(listed.get(name) ?? []), ...(health.snapshot(name)?.discovered_models ?? [])]) {
          if (!out.has(id)) out.set(id, { id, owned_by: name });
        }
      }
      return [...out.values()];
    },
    recordSaved(answer, ctx) {
      if (answer.layer === "l3") return;
      const target: RouteTarget | undefined = router.targets(ctx.model)[0];
      const member = target && byName.get(target.provider);
      if (!target || !member) return;
      const text = (parts: { type: string; text?: string }[]) => parts.map((p) => p.text ?? "").join("\n");
      // an exact hit replays the real usage of the call it saves (as isartor_tokens_saved_total counts it)
      const stored = answer.layer === "l1a" && answer.kind === "response" ? answer.response.usage.inputTokens : 0;
      const input = stored || estimateTokens(text([...ctx.request.system, ...ctx.request.messages.flatMap((m) => m.content)]));
      const output = answer.kind === "response" ? answer.response.usage.outputTokens || estimateTokens(text(answer.response.message.content)) : 0;
      usage.append({
        ts: isoTime(),
        layer: answer.layer,
        provider: member.name,
        model: target.model,
        input_tokens: input,
        output_tokens: output,
        cost_usd: costUsd(member.price(target.model), input, output),
        latency_ms: 0,
        status: "ok",
        saved: true,
        request_id: ctx.id,
      });
    },
    async probe(name) {
      if (!byName.has(name)) return undefined;
      const target = pingTargets.find((t) => t.provider === name);
      if (!target) return { ok: false, latency_ms: 0, error: "this provider has no model-list endpoint to check" };
      const started = performance.now();
      try {
        const models = await pingProvider(target);
        health.success(name, performance.now() - started, true);
        health.pinged(name, models);
        return { ok: true, latency_ms: Math.round(performance.now() - started), models: models.length };
      } catch (err) {
        health.failure(name, (err as Error).message, true);
        return { ok: false, latency_ms: Math.round(performance.now() - started), error: (err as Error).message };
      }
    },
    start() {
      const interval = config.provider_health_check_interval_secs;
      if (interval <= 0 || config.offline || pingTargets.length === 0 || pinger) return;
      pinger = new HealthPinger(pingTargets, health, interval * 1000, (name) => byName.get(name)?.breaker.reset());
      pinger.start();
    },
    async close() {
      pinger?.stop();
      await usage.flush();
    },
  };
}
