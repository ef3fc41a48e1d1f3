// deploy/k8s and deploy/helm: every manifest parses, has its required fields, and agrees with the
// binary (port from ISARTOR__HOST_PORT, probes on /healthz and /readyz, environment names and values
// the config loader accepts) and with itself (selectors, secret keys, HPA/PDB/Ingress targets).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { DEPLOY, filesUnder, gatewayAccepts, KNOWN_ENV, portOf, renderHelm, yamlDocs, yamlFile } from "./deploy-files.ts";

const K8S = join(DEPLOY, "k8s");
const CHART = join(DEPLOY, "helm/isartor");

function manifestsOf(docs: any[]) {
  for (const doc of docs) {
    expect(typeof doc.apiVersion).toBe("string");
    expect(typeof doc.kind).toBe("string");
    expect(typeof doc.metadata?.name).toBe("string");
  }
  return docs;
}

const byKind = (docs: any[], kind: string) => docs.filter((d) => d.kind === kind);

/** environment the gateway container gets: ConfigMaps (envFrom) + env, secrets resolved from the Secret */
function gatewayEnv(docs: any[], deployment: any): Record<string, string> {
  const container = deployment.spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const cm = byKind(docs, "ConfigMap").find((c) => c.metadata.name === from.configMapRef.name);
    expect(cm).toBeDefined();
    Object.assign(env, cm.data);
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      const secret = byKind(docs, "Secret").find((s) => s.metadata.name === ref.name);
      expect(secret).toBeDefined();
      expect(Object.keys(secret.stringData ?? secret.data)).toContain(ref.key);
      env[e.name] = String((secret.stringData ?? secret.data)[ref.key]);
    }
  }
  return env;
}

function checkGateway(docs: any[]) {
  const deployments = byKind(docs, "Deployment").filter((d) => d.spec.template.spec.containers.some((c: any) => c.name === "gateway"));
  expect(deployments.length).toBe(1);
  const deployment = deployments[0];
  const pod = deployment.spec.template;
  // selector matches the pod labels
  for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels)) expect(pod.metadata.labels[k]).toBe(v);
  const container = pod.spec.containers[0];
  expect(container.args).toEqual(["up"]);
  expect(pod.spec.securityContext.runAsNonRoot).toBe(true);

  const env = gatewayEnv(docs, deployment);
  for (const name of Object.keys(env)) expect(KNOWN_ENV.has(name)).toBe(true);
  const config = gatewayAccepts(env);
  expect(config.cache_backend).toBe("redis");
  const port = container.ports.find((p: any) => p.name === "http");
  expect(port.containerPort).toBe(portOf(config.host_port));
  expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
  expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
  expect(container.startupProbe.httpGet).toEqual({ path: "/healthz", port: "http" });

  // the Redis URL points at a Service of these manifests (or an external one the user configures)
  const redisHost = new URL(config.redis_url).hostname.split(".")[0];
  expect(byKind(docs, "Service").some((s) => s.metadata.name === redisHost)).toBe(true);

  const service = byKind(docs, "Service").find((s) => Object.entries(s.spec.selector).every(([k, v]) => pod.metadata.labels[k] === v));
  expect(service.spec.ports[0].targetPort).toBe("http");
  for (const hpa of byKind(docs, "HorizontalPodAutoscaler")) {
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
  }
  for (const pdb of byKind(docs, "PodDisruptionBudget")) {
    for (const [k, v] of Object.entries(pdb.spec.selector.matchLabels)) expect(pod.metadata.labels[k]).toBe(v);
  }
  for (const ingress of byKind(docs, "Ingress")) {
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    expect(backend.name).toBe(service.metadata.name);
    expect(backend.port.number).toBe(service.spec.ports[0].port);
  }
  return { deployment, service, config };
}

describe("deploy/k8s manifests", () => {
  const files = filesUnder(K8S, /\.ya?ml$/);
  const all = files.flatMap((f) => yamlFile(f));

  test("every file parses and every object names its apiVersion, kind and name", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    manifestsOf(all.filter((d) => d.kind !== "Kustomization"));
  });

  test("the gateway Deployment agrees with the binary and with the Service, HPA, PDB, Ingress and Redis", () => {
    const { deployment } = checkGateway(all);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(byKind(all, "StatefulSet").map((s) => s.metadata.name)).toContain("redis");
  });

  test("every setting of the optional pools is accepted by the gateway; their Services match the URLs", () => {
    const optional = yamlFile(join(K8S, "optional/configmap-inference.yaml"))[0];
    for (const name of Object.keys(optional.data)) expect(KNOWN_ENV.has(name)).toBe(true);
    const config = gatewayAccepts(optional.data);
    const services = all.filter((d) => d.kind === "Service");
    for (const url of [config.layer2.sidecar_url, config.vllm_url, config.embedding_sidecar.sidecar_url]) {
      const { hostname, port } = new URL(url);
      expect(services.some((s) => s.metadata.name === hostname && s.spec.ports[0].port === Number(port))).toBe(true);
    }
  });

  test("kustomization lists files that exist", () => {
    const kustomization = yamlFile(join(K8S, "kustomization.yaml"))[0];
    const names = files.map((f) => f.slice(K8S.length + 1));
    for (const resource of kustomization.resources) expect(names).toContain(resource);
  });

  const kubectl = Bun.which("kubectl");
  test.skipIf(!kubectl)("kubectl kustomize renders the kit (client side, no cluster)", () => {
    const out = Bun.spawnSync([kubectl!, "kustomize", K8S], { stdout: "pipe", stderr: "pipe" });
    expect(out.stderr.toString()).toBe("");
    const docs = yamlDocs(out.stdout.toString(), "kustomize output");
    expect(byKind(docs, "Deployment").length).toBe(1);
    expect(docs.every((d) => d.kind === "Namespace" || d.metadata.namespace === "isartor")).toBe(true);
  });
  if (!kubectl) console.log("skip: kubectl is not installed; the kustomize render check is skipped");
});

describe("deploy/helm chart", () => {
  const values = parseYaml(readFileSync(join(CHART, "values.yaml"), "utf8"));
  const chart = parseYaml(readFileSync(join(CHART, "Chart.yaml"), "utf8"));
  const templates = filesUnder(join(CHART, "templates"), /\.yaml$/);
  const render = (v: any) =>
    templates.flatMap((t) => yamlDocs(renderHelm(readFileSync(t, "utf8"), v, { Name: "rel", Namespace: "isartor" }, { AppVersion: chart.appVersion }), basename(t)));
  const withAll = structuredClone(values);
  withAll.ingress.enabled = true;
  withAll.inference.enabled = true;
  withAll.embedding.enabled = true;
  withAll.secrets.gatewayApiKey = "a-gateway-key-of-some-length";

  test("Chart.yaml is a v2 chart; every config value name is read by the gateway", () => {
    expect(chart).toMatchObject({ apiVersion: "v2", name: "isartor" });
    for (const name of Object.keys(values.config)) expect(KNOWN_ENV.has(name)).toBe(true);
  });

  test("default values render to a gateway with Redis, HPA and PDB that agree with the binary", () => {
    const docs = manifestsOf(render(values));
    const { config } = checkGateway(docs);
    expect(config.redis_url).toBe("redis://rel-redis:6379");
    expect(byKind(docs, "Ingress")).toEqual([]);
    expect(byKind(docs, "Deployment").length).toBe(1);
  });

  test("with ingress, inference (vLLM or TGI) and embedding pools on, the gateway is pointed at them", () => {
    for (const kind of ["vllm", "tgi"]) {
      withAll.inference.kind = kind;
      const docs = manifestsOf(render(withAll));
      const { config } = checkGateway(docs);
      expect(config.inference_engine).toBe("sidecar");
      const services = byKind(docs, "Service");
      for (const url of [config.layer2.sidecar_url, config.embedding_sidecar.sidecar_url]) {
        const { hostname, port } = new URL(url);
        expect(services.some((s) => s.metadata.name === hostname && s.spec.ports[0].port === Number(port))).toBe(true);
      }
      const inference = byKind(docs, "Deployment").find((d) => d.metadata.name === "rel-inference");
      expect(inference.spec.template.spec.containers[0].name).toBe(kind);
    }
  });

  test("an existing Secret replaces the chart's own", () => {
    const v = structuredClone(values);
    v.secrets.existingSecret = "my-secrets";
    const docs = render(v);
    expect(byKind(docs, "Secret")).toEqual([]);
    const env = byKind(docs, "Deployment")[0].spec.template.spec.containers[0].env;
    expect(env.every((e: any) => e.valueFrom.secretKeyRef.name === "my-secrets")).toBe(true);
  });
});
