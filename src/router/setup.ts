// Turns the classifier_routing configuration into a ready router: the artifact loaded and checked
// against the encoder the gateway embeds with, explicit rules then the matrix, every target and
// label checked at startup so a typo fails there and not on the first request.
import { basename } from "node:path";
import { ConfigError } from "../config/load.ts";
import type { Config } from "../config/types.ts";
import { DEFAULT_EMBEDDING_MODEL } from "../inference/model-files.ts";
import { ArtifactError, loadArtifact, type RouterArtifact } from "./artifact.ts";
import { checkRulesAgainstHeads, LOCAL_TARGET, rulesFromConfig, rulesFromMatrix, type RoutingRule } from "./rules.ts";

export interface RouterSetup {
  artifact: RouterArtifact;
  rules: RoutingRule[];
  minConfidence: number;
  timeoutMs: number;
  maxContextChars: number;
  /** true: failures and no-match pass through unrouted; false: they answer 503 */
  fallback: boolean;
}

/**
 * The encoder id heads are tied to: the sidecar's model name, else the in-process model's folder
 * name (all-MiniLM-L6-v2 by default). `isartor router train` records the same id.
 */
export function configuredEncoderId(config: Config): string {
  if (config.embedding_sidecar.sidecar_url) return config.embedding_sidecar.model_name;
  return config.embedding.model_path ? basename(config.embedding.model_path.replace(/\/+$/, "")) : basename(DEFAULT_EMBEDDING_MODEL);
}

export interface RouterEnvironment {
  /** configured L3 provider names */
  providers: string[];
  /** id of the encoder the gateway will embed with (configuredEncoderId, or an injected embedder's name) */
  encoder: string;
}

function checkTarget(rule: RoutingRule, config: Config, env: RouterEnvironment): string | undefined {
  const t = rule.target;
  if (t === LOCAL_TARGET || Object.hasOwn(config.aliases, t)) return undefined;
  const slash = t.indexOf("/");
  if (slash < 0) return undefined; // a plain model name goes through the default chain
  const provider = t.slice(0, slash);
  if (env.providers.includes(provider) && slash < t.length - 1) return undefined;
  return `${rule.name} targets '${t}', but '${provider}' is not a configured provider (${env.providers.join(", ") || "none"}); use "provider/model", a model name, an alias, or "local"`;
}

/** undefined when routing is off; throws ConfigError naming the problem otherwise. */
export function routerSetup(config: Config, env: RouterEnvironment): RouterSetup | undefined {
  const c = config.classifier_routing;
  if (!c.enabled) return undefined;
  if (!c.artifact_path) throw new ConfigError("classifier_routing.enabled = true needs classifier_routing.artifact_path (train one with `isartor router train`)");
  let artifact: RouterArtifact;
  try {
    artifact = loadArtifact(c.artifact_path);
  } catch (err) {
    if (err instanceof ArtifactError) throw new ConfigError(`classifier_routing.artifact_path: ${err.message}`);
    throw err;
  }
  if (artifact.encoder !== env.encoder) {
    throw new ConfigError(
      `classifier_routing.artifact_path: the heads were trained on encoder '${artifact.encoder}' but the gateway embeds with '${env.encoder}'; ` +
        "heads are encoder-specific: retrain them with `isartor router train` against this embedder",
    );
  }
  const rules = [...rulesFromConfig(c.rules), ...rulesFromMatrix(c.matrix)];
  if (rules.length === 0) throw new ConfigError("classifier_routing.enabled = true needs [[classifier_routing.rules]] or [classifier_routing.matrix]");
  const problem = checkRulesAgainstHeads(rules, artifact.heads) ?? rules.map((r) => checkTarget(r, config, env)).find(Boolean);
  if (problem) throw new ConfigError(`classifier_routing: ${problem}`);
  return {
    artifact,
    rules,
    minConfidence: c.min_confidence,
    timeoutMs: c.timeout_ms,
    maxContextChars: c.max_context_chars,
    fallback: c.fallback_to_existing_routing,
  };
}
