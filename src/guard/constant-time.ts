// Compares secrets without leaking, through timing, how many leading characters matched or how long
// the expected secret is: both sides are hashed to a fixed length first.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export function constantTimeEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}
