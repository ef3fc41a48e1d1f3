// The heads artifact: a trained artifact survives serialisation with the same predictions, and
// every malformed field is refused with a message naming it.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArtifactError, loadArtifact, parseArtifact, serializeArtifact, validateArtifact, type RouterArtifact } from "../../src/router/artifact.ts";
import { classify, DimensionMismatchError, headProbabilities } from "../../src/router/classify.ts";
import { seededRandom, trainHeads } from "../../src/router/train.ts";

function randomVectors(n: number, dim: number, seed: number) {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => random() * 2 - 1));
}

function trained(): RouterArtifact {
  const xs = randomVectors(80, 8, 1);
  const data = xs.map((x) => ({ vector: x, labels: { task_type: x[0]! > 0 ? "code" : "chat", complexity: x[1]! > 0 ? "complex" : "simple" } }));
  return trainHeads(data, { encoder: "enc-test", source: "mem" }, { epochs: 20 }).artifact;
}

const valid = (): RouterArtifact => ({
  format: "isartor-router-heads",
  version: 1,
  encoder: "enc",
  dim: 2,
  heads: { task_type: { labels: ["a", "b"], weights: [[1, 0], [0, 1]], bias: [0, 0] } },
});

describe("artifact round trip", () => {
  test("serialise → parse keeps the heads' predictions and the metadata", () => {
    const artifact = trained();
    const back = parseArtifact(serializeArtifact(artifact));
    expect(back.encoder).toBe("enc-test");
    expect(back.dim).toBe(8);
    expect(Object.keys(back.heads).sort()).toEqual(["complexity", "task_type"]);
    expect(back.training!.reports.task_type!.train_examples).toBe(artifact.training!.reports.task_type!.train_examples);
    for (const x of randomVectors(50, 8, 2)) {
      expect(classify(back, x)).toEqual(
        Object.fromEntries(Object.entries(classify(artifact, x)).map(([k, p]) => [k, { label: p!.label, confidence: expect.closeTo(p!.confidence, 4) }])),
      );
      const p = headProbabilities(back.heads.task_type!, x);
      expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    }
  });

  test("loadArtifact reads a file and names the file in errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "isartor-heads-"));
    const path = join(dir, "heads.json");
    writeFileSync(path, serializeArtifact(valid()));
    expect(loadArtifact(path).heads.task_type!.labels).toEqual(["a", "b"]);
    writeFileSync(path, "{nope");
    expect(() => loadArtifact(path)).toThrow(new RegExp(`${path}: not JSON`));
    expect(() => loadArtifact(join(dir, "missing.json"))).toThrow(/cannot read .*missing\.json/);
  });

  test("a vector of the wrong size is refused at inference, naming both sizes and the encoder", () => {
    expect(() => classify(valid(), [1, 2, 3])).toThrow(DimensionMismatchError);
    expect(() => classify(valid(), [1, 2, 3])).toThrow(/3-d vectors .* 2-d vectors of enc/);
  });
});

describe("artifact validation names the bad field", () => {
  const cases: [string, (a: any) => void, RegExp][] = [
    ["format", (a) => (a.format = "other"), /format must be "isartor-router-heads"/],
    ["version", (a) => (a.version = 2), /version must be 1, got 2/],
    ["encoder", (a) => (a.encoder = ""), /encoder must name/],
    ["dim", (a) => (a.dim = 0), /dim must be a positive integer, got 0/],
    ["no heads", (a) => (a.heads = {}), /at least one of task_type/],
    ["unknown head", (a) => (a.heads.mood = a.heads.task_type), /heads\.mood is not a known head/],
    ["one label", (a) => (a.heads.task_type.labels = ["a"]), /heads\.task_type\.labels must list at least two/],
    ["repeated label", (a) => (a.heads.task_type.labels = ["a", "a"]), /must not repeat a label/],
    ["wildcard label", (a) => (a.heads.task_type.labels = ["a", "default"]), /must not contain "default"/],
    ["rows", (a) => (a.heads.task_type.weights = [[1, 0]]), /weights must have one row per label \(2\)/],
    ["row size", (a) => (a.heads.task_type.weights[1] = [1, 2, 3]), /weights\[1\] must be 2 finite numbers/],
    ["NaN", (a) => (a.heads.task_type.weights[0][1] = NaN), /weights\[0\] must be 2 finite numbers/],
    ["bias", (a) => (a.heads.task_type.bias = [0]), /bias must be 2 finite numbers/],
  ];
  for (const [what, spoil, message] of cases) {
    test(what, () => {
      const a = valid();
      spoil(a);
      expect(() => validateArtifact(a)).toThrow(ArtifactError);
      expect(() => validateArtifact(a)).toThrow(message);
    });
  }
  test("the untouched artifact is valid", () => {
    expect(validateArtifact(valid()).dim).toBe(2);
  });
});
