// deploy/compose, deploy/Dockerfile and deploy/systemd: files parse, the gateway's settings are accepted
// by its own config loader, ports/healthchecks/commands agree with the binary, every mounted file
// exists, the observability chain is wired end to end (gateway → collector → Jaeger/Prometheus →
// Grafana dashboard using the metric names the gateway exports). `docker compose config` runs where
// docker compose works.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { METRIC } from "../../src/telemetry/names.ts";
import { runCli } from "../helpers/cli.ts";
import { DEPLOY, gatewayAccepts, KNOWN_ENV, portOf, ROOT, yamlFile } from "./deploy-files.ts";

const COMPOSE = join(DEPLOY, "compose");
const composeFiles = ["level1.yml", "level2.yml", "replicas.yml"].map((f) => join(COMPOSE, f));

/** compose's ${VAR:-default} interpolation, with the variables unset */
const interpolate = (v: string) => v.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, "$1");

function gatewayServices(file: string) {
  const compose = yamlFile(file)[0];
  return Object.entries(compose.services as Record<string, any>).filter(([, s]) => s.image === "isartor:latest");
}

function envOf(service: any): Record<string, string> {
  const env = Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((e: string) => e.split(/=(.*)/s).slice(0, 2)))
    : service.environment;
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v))]));
}

describe("compose files", () => {
  test("each parses; every gateway is built from deploy/Dockerfile with settings the gateway accepts", () => {
    for (const file of composeFiles) {
      const gateways = gatewayServices(file);
      expect(gateways.length).toBeGreaterThanOrEqual(1);
      for (const [, service] of gateways) {
        expect(resolve(COMPOSE, service.build.context, service.build.dockerfile)).toBe(join(DEPLOY, "Dockerfile"));
        const env = envOf(service);
        for (const key of Object.keys(env)) expect(KNOWN_ENV.has(key)).toBe(true);
        const config = gatewayAccepts(env);
        const published = service.ports.map((p: string) => Number(p.split(":").pop()));
        expect(published).toContain(portOf(config.host_port));
        expect(service.healthcheck.test.join(" ")).toContain("/healthz");
        if (basename(file) === "replicas.yml") {
          expect(config.cache_backend).toBe("redis");
          expect(new URL(config.redis_url).hostname).toBe("redis");
        } else expect(config.cache_backend).toBe("memory");
      }
    }
  });

  test(".env.example holds only settings the gateway accepts", () => {
    const lines = readFileSync(join(COMPOSE, ".env.example"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
    const env = Object.fromEntries(lines.map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
    for (const name of Object.keys(env)) expect(KNOWN_ENV.has(name)).toBe(true);
    gatewayAccepts(env);
  });

  test("every bind-mounted file exists", () => {
    for (const file of composeFiles) {
      for (const service of Object.values(yamlFile(file)[0].services as Record<string, any>)) {
        for (const volume of service.volumes ?? []) {
          const source = String(volume).split(":")[0]!;
          if (source.startsWith(".")) expect(existsSync(resolve(dirname(file), source))).toBe(true);
        }
      }
    }
  });

  test("Level 2: L2 sidecar, optional embedding sidecar and the observability chain are wired together", () => {
    const compose = yamlFile(join(COMPOSE, "level2.yml"))[0];
    const s = compose.services;
    const config = gatewayAccepts(envOf(s.gateway));
    expect(config.inference_engine).toBe("sidecar");
    const l2 = new URL(config.layer2.sidecar_url);
    expect(s[l2.hostname].command).toContain(l2.port);
    expect(s["slm-embedding"].profiles).toEqual(["embedding-sidecar"]);
    expect(s["slm-embedding"].command).toContain("--embedding");
    expect(config.enable_monitoring).toBe(true);
    // the gateway exports OTLP over HTTP: the collector must receive HTTP on that port
    const otlp = new URL(config.otel_exporter_endpoint);
    const collector = yamlFile(join(COMPOSE, "otel-collector.yaml"))[0];
    expect(portOf(collector.receivers.otlp.protocols.http.endpoint)).toBe(Number(otlp.port));
    expect(s[otlp.hostname]).toBeDefined();
    expect(collector.exporters["otlp/jaeger"].endpoint.split(":")[0]).toBe("jaeger");
    const prometheus = yamlFile(join(COMPOSE, "prometheus.yml"))[0];
    expect(prometheus.scrape_configs[0].static_configs[0].targets).toEqual([`otel-collector:${portOf(collector.exporters.prometheus.endpoint)}`]);
    for (const name of ["jaeger", "prometheus", "grafana"]) expect(s[name].image).toMatch(/:[\w.]+$/);
  });

  test("Grafana: datasources and dashboard are provisioned; the dashboard queries the gateway's metric names", () => {
    const datasources = yamlFile(join(COMPOSE, "grafana/provisioning/datasources/datasources.yml"))[0].datasources;
    expect(datasources.map((d: any) => d.type).sort()).toEqual(["jaeger", "prometheus"]);
    const provider = yamlFile(join(COMPOSE, "grafana/provisioning/dashboards/dashboards.yml"))[0].providers[0];
    const grafana = yamlFile(join(COMPOSE, "level2.yml"))[0].services.grafana;
    expect(grafana.volumes.some((v: string) => v.endsWith(`:${provider.options.path}:ro`))).toBe(true);
    const dashboard = JSON.parse(readFileSync(join(COMPOSE, "grafana/dashboards/isartor.json"), "utf8"));
    const exprs: string[] = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(8);
    const exported = new Set<string>(Object.values(METRIC));
    for (const expr of exprs) {
      const names = expr.match(/isartor_[a-z_]+/g) ?? [];
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name.replace(/_(bucket|count|sum)$/, ""))).toBe(true);
      expect(expr.split("(").length).toBe(expr.split(")").length);
      for (const p of dashboard.panels) expect(p.datasource.uid).toBe(datasources.find((d: any) => d.type === "prometheus").uid);
    }
  });

  const dockerCompose = Bun.which("docker") && Bun.spawnSync(["docker", "compose", "version"], { stdout: "pipe", stderr: "pipe" }).exitCode === 0;
  if (!dockerCompose) console.log("skip: `docker compose` is not available here; compose files are checked by parsing only");
  test.skipIf(!dockerCompose)("docker compose config accepts every file", () => {
    for (const file of composeFiles) {
      const out = Bun.spawnSync(["docker", "compose", "-f", file, "config", "--quiet"], { stdout: "pipe", stderr: "pipe" });
      expect(out.stderr.toString()).toBe("");
      expect(out.exitCode).toBe(0);
    }
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(join(DEPLOY, "Dockerfile"), "utf8");
  const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));

  test("builds the compiled binary and ships its companion directory on a small base, as a non-root user", () => {
    expect(dockerfile).toContain("scripts/build.ts --outfile /out/isartor");
    expect(existsSync(join(ROOT, "scripts/build.ts"))).toBe(true);
    // the whole output directory (binary + onnxruntime-<platform>-<arch>/) is copied
    expect(runtimeStage).toMatch(/COPY --from=build \/out\/ \/opt\/isartor\//);
    expect(runtimeStage).toMatch(/^\nFROM (debian:bookworm-slim|gcr\.io\/distroless\/cc)/);
    const user = /^USER (\S+)/m.exec(runtimeStage)![1]!;
    expect(user.split(":")[0]).not.toMatch(/^(0|root)$/);
  });

  test("port, healthcheck and command agree with the binary", async () => {
    const hostPort = /ISARTOR__HOST_PORT=(\S+)/.exec(dockerfile)![1]!;
    expect(gatewayAccepts({ ISARTOR__HOST_PORT: hostPort }).host_port).toBe(hostPort);
    expect(/^EXPOSE (\d+)/m.exec(runtimeStage)![1]).toBe(String(portOf(hostPort)));
    const health = /^HEALTHCHECK[\s\S]*?CMD (.*)$/m.exec(runtimeStage)![1]!;
    expect(health).toContain(`/dev/tcp/127.0.0.1/${portOf(hostPort)}`);
    expect(health).toContain("GET /healthz");
    expect(JSON.parse(/^ENTRYPOINT (.*)$/m.exec(runtimeStage)![1]!)).toEqual(["/opt/isartor/isartor"]);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(runtimeStage)![1]!) as string[];
    const help = await runCli([...cmd, "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("isartor up");
    for (const name of dockerfile.match(/ISARTOR[A-Z_]*(?==)/g) ?? []) expect(KNOWN_ENV.has(name)).toBe(true);
  }, 30_000);
});

describe("systemd unit", () => {
  const unit = readFileSync(join(DEPLOY, "systemd/isartor.service"), "utf8");

  test("runs `isartor up` as a dedicated user with its env file, hardened, writable only where it writes", () => {
    expect(/^ExecStart=(\S+) up$/m.exec(unit)?.[1]).toBe("/opt/isartor/isartor");
    expect(unit).toMatch(/^User=isartor$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/isartor\/env$/m);
    expect(unit).toMatch(/^NoNewPrivileges=true$/m);
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    const writable = /^ReadWritePaths=(.*)$/m.exec(unit)![1]!.split(" ");
    const home = /^Environment=HOME=(\S+)$/m.exec(unit)![1]!;
    const models = /^Environment=ISARTOR_HF_CACHE_DIR=(\S+)$/m.exec(unit)![1]!;
    expect(writable.some((w) => home.startsWith(w))).toBe(true);
    expect(writable.some((w) => models.startsWith(w))).toBe(true);
    // Bun's JIT needs writable+executable memory
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=true/m);
  });

  test("the example env file holds only settings the gateway accepts", () => {
    const lines = readFileSync(join(DEPLOY, "systemd/isartor.env.example"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
    const env = Object.fromEntries(lines.map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
    for (const name of Object.keys(env)) expect(KNOWN_ENV.has(name)).toBe(true);
    expect(gatewayAccepts(env).cache_backend).toBe("memory");
  });
});
