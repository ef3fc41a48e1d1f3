// Presets of defaults for a kind of host, chosen with `profile = "edge"` (ISARTOR__PROFILE, --profile).
// A profile only replaces built-in defaults: whatever the file, environment or flags set still wins.
export const PROFILES: Record<string, Record<string, unknown>> = {
  default: {},
  /** Raspberry Pi 4/5, small VMs and containers: the 0.5B model, two threads, small caches and queues */
  edge: {
    "layer2.model": "qwen2.5-0.5b",
    "layer2.threads": 2,
    "layer2.workers": 1,
    "layer2.context_size": 2048,
    "layer2.max_answer_tokens": 256,
    "layer2.queue_size": 4,
    "embedding.workers": 1,
    "embedding.queue_size": 32,
    "embedding.timeout_ms": 500,
    cache_max_capacity: 2000,
    cache_max_bytes: 32 * 1024 * 1024,
    "aimd.max_limit": 32,
    "aimd.max_queue": 64,
    "request_log.max_file_bytes": 5 * 1024 * 1024,
    "request_log.max_files": 2,
    "usage.max_file_bytes": 10 * 1024 * 1024,
    "usage.max_files": 2,
  },
};
