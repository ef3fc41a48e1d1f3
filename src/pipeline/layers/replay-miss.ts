// ci.mode = replay with replay_miss = error: stands where L3 would, so a request the recording does
// not hold fails loudly instead of reaching a provider (a test run never depends on the network).
import type { Answer, Layer } from "../context.ts";
import { GatewayError } from "../errors.ts";

export class ReplayMissLayer implements Layer {
  readonly name = "l3" as const;
  readonly failOpen = false;

  constructor(private readonly path: string) {}

  async handle(): Promise<Answer | undefined> {
    throw new GatewayError(503, "unavailable", `this request is not in the recording ${this.path} (ci.mode = replay): record it with ci.mode = record, or set ci.replay_miss = passthrough`);
  }
}
