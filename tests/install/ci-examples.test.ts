// The CI examples parse, and every setting they pass to `isartor up` exists and loads.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadConfig } from "../../src/config/load.ts";
import { ROOT } from "../helpers/cli.ts";

for (const file of ["github-actions.yml", "gitlab-ci.yml"]) {
  test(`examples/ci/${file}: valid YAML; its isartor up flags load`, () => {
    const text = readFileSync(join(ROOT, "examples/ci", file), "utf8");
    expect(parse(text)).toBeObject();
    const line = /isartor up --detach[^\n]*/.exec(text)?.[0];
    expect(line).toBeDefined();
    const sets = [...line!.matchAll(/--set (\S+?)=(\S+)/g)].map((m) => [m[1]!, m[2]!] as const);
    expect(sets.map(([k]) => k)).toContain("ci.mode");
    const flags = Object.fromEntries(sets.map(([k, v]) => [k, { value: v, flag: `--set ${k}` }]));
    const { config } = loadConfig({ env: {}, flags, cwd: ROOT, home: "/nonexistent-home" });
    expect(config.ci.mode).toBe("replay");
    expect(/--ready-timeout \d+/.test(line!)).toBe(true);
  });
}
