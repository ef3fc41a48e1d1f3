// `isartor up`: start the gateway in the foreground; SIGTERM/SIGINT drain and exit 0.
import { startGateway } from "../server/server.ts";
import { configFromFlags, parseCommandArgs } from "./common-flags.ts";

export const UP_HELP = `isartor up [--host H] [--port P] [--config FILE] [--offline] [--set KEY=VALUE]...
  Start the gateway. Without a config file it runs on built-in defaults.`;

export async function up(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv);
  if (values.help) {
    console.log(UP_HELP);
    return 0;
  }
  const { config, file } = configFromFlags(values);
  const gateway = await startGateway(config);
  const s = gateway.services;
  console.log(
    `isartor ${s.version} listening on ${gateway.url} (bind ${config.host_port})` +
      ` · layers ${s.layersEnabled.join(" → ")}` +
      ` · provider ${s.providerName ?? "none (cache only; set ISARTOR__EXTERNAL_LLM_API_KEY)"}` +
      (file ? ` · config ${file}` : " · built-in defaults"),
  );
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      console.log(`${signal} received: draining ${s.inFlight()} in-flight request(s)…`);
      gateway.stop().then(resolve);
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
  console.log("isartor stopped");
  return 0;
}
