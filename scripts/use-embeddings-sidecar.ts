#!/usr/bin/env bun
// A real encoder for the gateway's embedding-sidecar path, for measurement and tests:
// Universal Sentence Encoder lite (512-d, pure JS, devDependency) behind POST /v1/embeddings.
// Usage: bun scripts/use-embeddings-sidecar.ts [--port 8082] [--host 127.0.0.1] [--no-disk-cache]
// then:  ISARTOR__EMBEDDING_SIDECAR__SIDECAR_URL=http://127.0.0.1:8082 isartor up
// USE-lite's similarity scale differs from MiniLM's: calibrate the threshold (isartor cache calibrate).
import { parseArgs } from "node:util";
import { startUseSidecar } from "../tests/helpers/use-sidecar.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { port: { type: "string", default: "8082" }, host: { type: "string", default: "127.0.0.1" }, "no-disk-cache": { type: "boolean" } },
});
const sidecar = await startUseSidecar({ port: Number(values.port), hostname: values.host, diskCache: !values["no-disk-cache"] });
console.log(`USE-lite embeddings sidecar on ${sidecar.url}/v1/embeddings`);
const stop = async () => {
  await sidecar.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
