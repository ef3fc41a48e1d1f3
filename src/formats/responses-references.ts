// Responses API item references ({ type: "item_reference", id }) to items of an answer the gateway itself
// rendered. Clients that assume a stateful server send these instead of the items (the AI SDK does for
// every earlier assistant message when `store` is on); an upstream that did not issue the id cannot
// resolve it, so the gateway puts the item back from the tenant's recent responses. References it does not
// know stay as they are (an OpenAI upstream resolves its own).
import { isObject } from "./validate.ts";

/** The response a gateway-issued item id belongs to: msg_<base>, rs_<base> and fc_<base>_<n> come from resp_<base> (see itemIds). */
export function responseIdOfItem(itemId: string): string | undefined {
  const base = /^(?:msg|rs)_(.+)$/.exec(itemId)?.[1] ?? /^fc_(.+)_\d+$/.exec(itemId)?.[1];
  return base ? `resp_${base}` : undefined;
}

/** The input with every resolvable item reference replaced by the item; the same array when nothing changed. */
export function resolveItemReferences(items: unknown[], recall: (responseId: string) => unknown[] | undefined): unknown[] {
  let changed = false;
  // one recall per response, however many of its items are referenced
  const recalled = new Map<string, unknown[] | undefined>();
  const itemsOf = (responseId: string) => {
    if (!recalled.has(responseId)) recalled.set(responseId, recall(responseId));
    return recalled.get(responseId);
  };
  const out = items.map((item) => {
    if (!isObject(item) || item.type !== "item_reference" || typeof item.id !== "string") return item;
    const responseId = responseIdOfItem(item.id);
    const found = responseId ? itemsOf(responseId)?.find((stored) => isObject(stored) && stored.id === item.id) : undefined;
    if (!found) return item;
    changed = true;
    return found;
  });
  return changed ? out : items;
}
