// Builds the single executable and boots it: the shipped artefact, not only `bun run`, must work.
import { beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolatedEnv, ROOT, runCli, spawnUp } from "../helpers/cli.ts";

const outDir = mkdtempSync(join(tmpdir(), "isartor-bin-"));
const binary = join(outDir, "isartor");

beforeAll(async () => {
  const proc = Bun.spawn([process.execPath, join(ROOT, "scripts/build.ts"), "--outfile", binary], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`build failed: ${await new Response(proc.stderr).text()}`);
}, 240_000);

test("compiled binary prints its version", async () => {
  const r = await runCli(["--version"], isolatedEnv(), [binary]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^isartor \d+\.\d+\.\d+/);
});

test("compiled binary boots and answers /health with 200", async () => {
  const { proc, url } = await spawnUp([], isolatedEnv(), [binary]);
  try {
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("ok");
  } finally {
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  }
});

test("compiled binary serves the embedded dashboard without any file beside it", async () => {
  const admin = "binary-admin-key-0123456789";
  const { proc, url } = await spawnUp([], isolatedEnv({ ISARTOR__ADMIN_API_KEY: admin }), [binary]);
  try {
    for (const asset of ["app.js", "app.css"]) {
      const res = await fetch(`${url}/dashboard/${asset}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(await Bun.file(join(ROOT, "src/admin/dashboard", asset)).text());
    }
    const page = await fetch(`${url}/dashboard/`);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('<script src="/dashboard/app.js"></script>');
    const overview = await fetch(`${url}/api/admin/overview`, { headers: { authorization: `Bearer ${admin}` } });
    expect(overview.status).toBe(200);
    expect(((await overview.json()) as { requests: { total: number } }).requests.total).toBe(0);
  } finally {
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  }
});
