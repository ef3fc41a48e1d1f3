// Request log (ADR-014): one JSON line per request in a rotating file, apart from the gateway's
// stderr log and from telemetry. Metadata always; headers and bodies only with include_bodies.
// Every record passes through the redactor (Authorization / api-key headers, configured secrets,
// key shapes in prompts) before it is queued.
import type { Config } from "../config/types.ts";
import type { Redactor } from "./redact.ts";
import { RotatingJsonl } from "./rotating-jsonl.ts";
import type { FinalLayer } from "./names.ts";

export interface RequestLogRecord {
  /** ISO time the request finished */
  ts: string;
  id: string;
  method: string;
  path: string;
  format?: string;
  status: number;
  /** l0 (refused before any layer) | l1a | l1b | l2 | l3, as in X-Isartor-Layer */
  layer: string;
  final_layer: FinalLayer;
  deflected: boolean;
  provider?: string;
  model?: string;
  stream?: boolean;
  key_id?: string;
  tenant?: string;
  duration_ms: number;
  tokens_in?: number;
  tokens_out?: number;
  trace_id?: string;
  error?: string;
  /** include_bodies only */
  request?: { headers: Record<string, string>; body?: unknown };
  response?: { body?: unknown; text?: string };
}

export interface RequestLogSettings {
  enabled: boolean;
  path: string;
  include_bodies: boolean;
  max_file_bytes: number;
  max_files: number;
}

export class RequestLog {
  private readonly file: RotatingJsonl;
  readonly includeBodies: boolean;

  constructor(
    settings: RequestLogSettings,
    private readonly redactor: Redactor,
  ) {
    this.file = new RotatingJsonl({ path: settings.path, maxFileBytes: settings.max_file_bytes, maxFiles: settings.max_files });
    this.includeBodies = settings.include_bodies;
  }

  get path(): string {
    return this.file.path;
  }

  write(record: RequestLogRecord): void {
    this.file.append(this.redactor.value(record));
  }

  flush(): Promise<void> {
    return this.file.flush();
  }
}

export function requestLogFromConfig(config: Config, redactor: Redactor): RequestLog | undefined {
  return config.request_log.enabled ? new RequestLog(config.request_log, redactor) : undefined;
}
