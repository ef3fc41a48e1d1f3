// Model names → where a request goes (ADR-013, ADR-017). Resolution happens at the HTTP boundary,
// before routing and cache keys:
//   - an alias naming one model ("smart" = "openai/gpt-4o") resolves to that model, so alias and
//     model traffic share cache entries;
//   - an alias naming a fallback list ("fast" = ["groq/llama-3.1-8b", "openai/gpt-4o-mini"]) stays
//     its own name (its answers may come from different models) and routes through the list;
//   - "provider/model" with a configured provider name goes to that provider only;
//   - any other name goes through every provider in configured order (the default chain).

export interface RouteTarget {
  provider: string;
  model: string;
}

export interface RoutableProvider {
  name: string;
  /** model used when a request names none */
  model?: string;
  /** model sent when this provider is a fallback in the default chain */
  fallbackModel?: string;
}

export type AliasMap = Record<string, string | string[]>;

const MAX_ALIAS_HOPS = 8;

export class ModelRouter {
  private readonly byName: Map<string, RoutableProvider>;

  constructor(
    readonly providers: RoutableProvider[],
    readonly aliases: AliasMap,
    private readonly defaultModel: string,
  ) {
    this.byName = new Map(providers.map((p) => [p.name, p]));
  }

  private alias(name: string): string | string[] | undefined {
    return Object.hasOwn(this.aliases, name) ? this.aliases[name] : undefined;
  }

  /** The model a request is for: aliases applied, the default filled in. Part of every cache key. */
  resolve(requested: string): string {
    let name = requested.trim() || this.defaultModel;
    for (let hop = 0; hop < MAX_ALIAS_HOPS; hop++) {
      const target = this.alias(name);
      if (typeof target !== "string") return name;
      name = target;
    }
    return name;
  }

  /** Ordered provider/model pairs to try for a resolved model name. */
  targets(model: string): RouteTarget[] {
    const target = this.alias(model);
    const refs = Array.isArray(target) ? target : [typeof target === "string" ? this.resolve(target) : model];
    const out: RouteTarget[] = [];
    for (const ref of refs) {
      for (const t of this.expand(this.resolve(ref))) {
        if (!out.some((o) => o.provider === t.provider && o.model === t.model)) out.push(t);
      }
    }
    return out;
  }

  private expand(ref: string): RouteTarget[] {
    const slash = ref.indexOf("/");
    if (slash > 0) {
      const provider = ref.slice(0, slash);
      if (this.byName.has(provider)) return [{ provider, model: ref.slice(slash + 1) }];
    }
    return this.providers.map((p, i) => ({ provider: p.name, model: i > 0 && p.fallbackModel ? p.fallbackModel : ref }));
  }
}

/** Validates the `aliases` setting; returns a message naming the bad entry, or undefined. */
export function validateAliases(value: unknown): string | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return 'a table of alias = "model" or alias = ["provider/model", …]';
  for (const [name, target] of Object.entries(value)) {
    const ok = (typeof target === "string" && target.trim() !== "") || (Array.isArray(target) && target.length > 0 && target.every((t) => typeof t === "string" && t.trim() !== ""));
    if (!ok) return `aliases.${name} to be a model name or a non-empty list of "provider/model" names`;
    if (typeof target === "string" && target === name) return `aliases.${name} not to point at itself`;
  }
  return undefined;
}
