// Composes the pipeline from the configuration.
import { resolve } from "node:path";
import { createCacheStores } from "../cache/create-stores.ts";
import { RecordingStore } from "../cache/recording-store.ts";
import { ReplayMissLayer } from "../pipeline/layers/replay-miss.ts";
import type { Config } from "../config/types.ts";
import type { Layer } from "../pipeline/context.ts";
import { ExactCacheLayer } from "../pipeline/layers/exact-cache.ts";
import { SemanticCacheLayer } from "../pipeline/layers/semantic-cache.ts";
import { createEmbedder } from "../inference/create-embedder.ts";
import type { Embedder } from "../inference/embedder.ts";
import { ContextOptimizerLayer, optimizerOptions } from "../pipeline/layers/context-optimizer.ts";
import { ProviderLayer } from "../pipeline/layers/provider.ts";
import { RouterLayer } from "../pipeline/layers/router.ts";
import { configuredEncoderId, routerSetup } from "../router/setup.ts";
import { SharedQueryEmbedding } from "../router/shared-embedder.ts";
import { Pipeline } from "../pipeline/pipeline.ts";
import { buildProviderChain } from "../providers/client-factory.ts";
import { configureUpstreamGate, upstreamGate } from "../providers/upstream-gate.ts";
import type { ProviderClient } from "../providers/provider.ts";
import { VERSION } from "../version.ts";
import { withAimd } from "../guard/aimd-provider.ts";
import { createRuntime } from "../guard/runtime.ts";
import type { LogSink } from "../telemetry/logger.ts";
import { createTelemetry, type TelemetryOptions } from "../telemetry/telemetry.ts";
import type { GatewayServices } from "./services.ts";
import { buildSlm } from "./build-slm.ts";
import type { SlmOverrides } from "../inference/create-slm.ts";

export interface ServiceOverrides {
  provider?: ProviderClient | null;
  /** embedding backend for L1b (default from config: sidecar or in-process MiniLM workers) */
  embedder?: Embedder;
  /** where log lines go (default stderr) */
  logSink?: LogSink;
  /** L2: e.g. the embedded pool's worker script (tests pass a slow or crashing one) */
  slm?: SlmOverrides;
  /** the isartor.toml the configuration was loaded from (the dashboard's config editor writes it) */
  configFile?: string;
  /** telemetry.spanExporter: spans go there (tracing on whatever the config says) */
  telemetry?: TelemetryOptions;
}

export function buildServices(config: Config, overrides: ServiceOverrides = {}): GatewayServices {
  const runtime = createRuntime(config, overrides.logSink);
  const gateWarning = configureUpstreamGate(config.upstream_max_connections);
  if (gateWarning) runtime.logger.warn(gateWarning);
  runtime.stats.push({ name: "upstream_connections", stats: () => upstreamGate.stats() });
  const providers = buildProviderChain(config, {
    ...(overrides.provider !== undefined ? { client: overrides.provider } : {}),
    wrapClient: (_name, client) => withAimd(client, config.aimd, (name, limiter) => runtime.limiters.push({ provider: name, limiter })),
  });
  providers.usage.onRecord((rec) => runtime.recent.attachUsage(rec));
  const layers: Layer[] = [];
  let embedder: Embedder | undefined;
  // L0.5 runs before the caches (its route enters their keys) and shares the L1b embedder
  const routing = routerSetup(config, { providers: providers.names, encoder: overrides.embedder?.name ?? configuredEncoderId(config) });
  if (routing) {
    // with L1b on too, the router's embedding of the request's text is handed on to L1b
    const shared = new SharedQueryEmbedding(overrides.embedder ?? createEmbedder(config));
    embedder = shared.consumer;
    const router = new RouterLayer(shared.producer, routing, (model) => providers.router.resolve(model));
    runtime.stats.push({ name: "classifier_routing", stats: () => ({ ...router.stats() }) });
    layers.push(router);
    if (config.embedding.preload) void embedder.start();
  }
  const cacheStores = createCacheStores(config, runtime.logger);
  // CI record/replay: the recording file is the exact cache, and in replay nothing else answers
  const ci = config.ci.mode === "off" ? undefined : { mode: config.ci.mode, path: resolve(config.ci.recording_path) };
  if (ci || config.cache_mode === "exact" || config.cache_mode === "both") {
    const exactStore = ci ? new RecordingStore(ci.path, ci.mode) : cacheStores.exact();
    runtime.caches.push({ name: "exact", size: () => exactStore.size(), clear: () => exactStore.clear() });
    layers.push(new ExactCacheLayer(exactStore));
  }
  if (ci?.mode !== "replay" && (config.cache_mode === "semantic" || config.cache_mode === "both")) {
    embedder ??= overrides.embedder ?? createEmbedder(config);
    const vectorStore = cacheStores.vector();
    runtime.caches.push({ name: "semantic", size: () => vectorStore.size(), clear: () => vectorStore.clear() });
    layers.push(new SemanticCacheLayer(embedder, vectorStore, { threshold: config.similarity_threshold, guard: config.semantic_guard }));
    // requests never wait for the model: until it is ready L1b is skipped
    if (config.embedding.preload) void embedder.start();
  }
  const l2 = buildSlm(config, (m) => runtime.logger.warn(m), overrides.slm);
  if (l2.layer && ci?.mode !== "replay") {
    runtime.stats.push({ name: "l2", stats: () => l2.stats() });
    layers.push(l2.layer);
  }
  if (config.context_optimizer.enabled) {
    const optimizer = new ContextOptimizerLayer(optimizerOptions(config));
    runtime.stats.push(optimizer.stats);
    layers.push(optimizer);
  }
  layers.push(ci?.mode === "replay" && config.ci.replay_miss === "error" ? new ReplayMissLayer(ci.path) : new ProviderLayer(providers.chain, providers.router));
  let inFlight = 0;
  const telemetry = createTelemetry(
    config,
    {
      inFlight: () => inFlight,
      providers: () => providers.status().map((p) => ({ provider: p.name, status: p.status, circuit: p.circuit, consecutiveFailures: providers.health.snapshot(p.name)?.consecutive_failures ?? 0 })),
      retries: () => providers.chain.retriesTotal,
      fallbacks: () => providers.chain.fallbacksTotal,
      limiters: () => runtime.limiters.map(({ provider, limiter }) => ({ provider, limit: limiter.limit, inFlight: limiter.inFlight, queued: limiter.queued, rejectedQueueFull: limiter.counters.rejectedQueueFull, rejectedTimeout: limiter.counters.rejectedTimeout })),
      caches: () => runtime.caches,
    },
    runtime.redactor,
    runtime.logger,
    overrides.telemetry,
  );
  const services: GatewayServices = {
    config,
    pipeline: new Pipeline(layers, {
      answered: (answer, ctx) => {
        providers.recordSaved(answer, ctx);
        telemetry.answered(answer);
      },
      layerDone: (layer, ms, answer, ctx) => telemetry.layerDone(layer, ms, answer, ctx),
      layerFailed: (layer, err, ctx) => telemetry.layerFailed(layer, err, ctx),
      remembered: (layer, ctx) => telemetry.remembered(layer, ctx),
    }),
    telemetry,
    version: VERSION,
    startedAt: Date.now(),
    ...(overrides.configFile ? { configFile: overrides.configFile } : {}),
    providerName: providers.names[0],
    providers,
    runtime,
    layersEnabled: layers.map((l) => l.name),
    // with preload on, ready once the embedding model has loaded (or failed to, leaving L1b off)
    isReady: () => cacheStores.ready() && (!embedder || !config.embedding.preload || (embedder.state() !== "loading" && embedder.state() !== "idle")) && l2.ready(),
    l2: () => l2.health(),
    track() {
      inFlight++;
      let done = false;
      return () => {
        if (!done) {
          done = true;
          inFlight--;
        }
      };
    },
    inFlight: () => inFlight,
    cacheStatus: () => cacheStores.status(),
    close: async () => {
      await cacheStores.close();
      await providers.close();
      await embedder?.close();
      await l2.close();
      await telemetry.shutdown();
    },
  };
  providers.start();
  return services;
}
