// Rejects bodies nested deeper than the limit before any recursive code (cache keys, formats) sees them.
import { invalidRequest } from "../pipeline/errors.ts";

/** Iterative, so a hostile depth cannot overflow the stack here. */
export function assertJsonDepth(value: unknown, maxDepth: number): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > maxDepth) throw invalidRequest(`request body is nested deeper than ${maxDepth} levels (max_json_depth)`, "body");
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
}
