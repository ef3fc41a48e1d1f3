#!/usr/bin/env bun
// Writes a tiny BERT-shaped ONNX sentence encoder with MiniLM's real tokenizer into
// tests/fixtures/models/tiny-minilm/ (Hugging Face / transformers.js layout), so tests exercise the real
// transformers.js loading, tokenisation and worker code without the 23 MB MiniLM weights.
// Same inputs/outputs as Xenova/all-MiniLM-L6-v2 (input_ids, attention_mask, token_type_ids →
// last_hidden_state), one transformer block, hidden size 32, random weights from a fixed seed
// (so embeddings are deterministic but carry no meaning). The word-embedding table is int8 with a
// DequantizeLinear, as in the q8 export, which keeps the file near 1 MB.
//
// Usage: bun scripts/make-fixture-encoder.ts [--tokenizer DIR] [--out DIR]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import protobuf from "protobufjs";

const ROOT = resolve(import.meta.dir, "..");
const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { tokenizer: { type: "string" }, out: { type: "string" } },
});
const TOKENIZER_DIR = resolve(values.tokenizer ?? "/work/shared/models/tokenizers/all-MiniLM-L6-v2");
const OUT = resolve(values.out ?? join(ROOT, "tests/fixtures/models/tiny-minilm"));

const VOCAB = 30522;
const HIDDEN = 32;
const FFN = 64;
const MAX_POSITIONS = 512;
const TYPES = 2;

// The subset of onnx.proto (field numbers from onnx/onnx.proto3) this model needs.
const ONNX_PROTO = `
syntax = "proto3";
package onnx;
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message TensorProto {
  repeated int64 dims = 1; int32 data_type = 2; repeated float float_data = 4;
  repeated int64 int64_data = 7; string name = 8; bytes raw_data = 9;
}
message AttributeProto {
  string name = 1; float f = 2; int64 i = 3; bytes s = 4; TensorProto t = 5;
  repeated float floats = 7; repeated int64 ints = 8; int32 type = 20;
}
message NodeProto {
  repeated string input = 1; repeated string output = 2; string name = 3; string op_type = 4;
  repeated AttributeProto attribute = 5; string domain = 7;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message GraphProto {
  repeated NodeProto node = 1; string name = 2; repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12;
}
message ModelProto {
  int64 ir_version = 1; string producer_name = 2; string producer_version = 3; GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
`;

const FLOAT = 1;
const INT8 = 3;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

// mulberry32: a fixed seed makes the fixture reproducible byte for byte
let seed = 0x15a770;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
function randomMatrix(rows: number, cols: number, std: number): Float32Array {
  const m = new Float32Array(rows * cols);
  for (let i = 0; i < m.length; i++) m[i] = gaussian() * std;
  return m;
}

const initializers: object[] = [];
function floatTensor(name: string, dims: number[], data: Float32Array | number[]) {
  const arr = data instanceof Float32Array ? data : Float32Array.from(data);
  initializers.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength) });
  return name;
}
function int64Tensor(name: string, dims: number[], data: number[]) {
  initializers.push({ name, dims, dataType: INT64, int64Data: data });
  return name;
}
function int8Tensor(name: string, dims: number[], data: Int8Array) {
  initializers.push({ name, dims, dataType: INT8, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  return name;
}

const nodes: object[] = [];
type Attr = { name: string; f?: number; i?: number; ints?: number[] };
function node(opType: string, inputs: string[], output: string, attrs: Attr[] = []): string {
  const attribute = attrs.map((a) => ({
    name: a.name,
    ...(a.f !== undefined ? { f: a.f, type: ATTR_FLOAT } : a.ints ? { ints: a.ints, type: ATTR_INTS } : { i: a.i, type: ATTR_INT }),
  }));
  nodes.push({ name: `${opType}_${nodes.length}`, opType, input: inputs, output: [output], attribute });
  return output;
}
const ones = (n: number) => new Float32Array(n).fill(1);
const zeros = (n: number) => new Float32Array(n);
function layerNorm(x: string, prefix: string, out = `${prefix}_out`) {
  return node("LayerNormalization", [x, floatTensor(`${prefix}.gamma`, [HIDDEN], ones(HIDDEN)), floatTensor(`${prefix}.beta`, [HIDDEN], zeros(HIDDEN))], out, [
    { name: "axis", i: -1 },
    { name: "epsilon", f: 1e-12 },
  ]);
}

// Embeddings: int8 word table (per-tensor scale), float position and token-type tables.
const wordFloat = randomMatrix(VOCAB, HIDDEN, 1);
const wordScale = 4 / 127;
const wordInt8 = Int8Array.from(wordFloat, (v) => Math.max(-127, Math.min(127, Math.round(v / wordScale))));
const wordRows = node("Gather", [int8Tensor("embeddings.word_q", [VOCAB, HIDDEN], wordInt8), "input_ids"], "word_q_rows");
const word = node("DequantizeLinear", [wordRows, floatTensor("embeddings.word_scale", [], [wordScale])], "word_emb");
const seqLen1d = node("Shape", ["input_ids"], "seq_len_1d", [
  { name: "start", i: 1 },
  { name: "end", i: 2 },
]);
const seqLen = node("Squeeze", [seqLen1d], "seq_len");
const positions = node("Range", [int64Tensor("const.zero", [], [0]), seqLen, int64Tensor("const.one", [], [1])], "position_ids");
const pos = node("Gather", [floatTensor("embeddings.position", [MAX_POSITIONS, HIDDEN], randomMatrix(MAX_POSITIONS, HIDDEN, 0.1)), positions], "pos_emb");
const typ = node("Gather", [floatTensor("embeddings.token_type", [TYPES, HIDDEN], randomMatrix(TYPES, HIDDEN, 0.1)), "token_type_ids"], "type_emb");
const x0 = layerNorm(node("Add", [node("Add", [word, pos], "emb_wp"), typ], "emb_sum"), "embeddings.ln");

// One single-head self-attention block with the padding mask as an additive bias.
const wStd = 1 / Math.sqrt(HIDDEN);
const q = node("MatMul", [x0, floatTensor("attn.q", [HIDDEN, HIDDEN], randomMatrix(HIDDEN, HIDDEN, wStd))], "q");
const k = node("MatMul", [x0, floatTensor("attn.k", [HIDDEN, HIDDEN], randomMatrix(HIDDEN, HIDDEN, wStd))], "k");
const v = node("MatMul", [x0, floatTensor("attn.v", [HIDDEN, HIDDEN], randomMatrix(HIDDEN, HIDDEN, wStd))], "v");
const kt = node("Transpose", [k], "k_t", [{ name: "perm", ints: [0, 2, 1] }]);
const scores = node("Mul", [node("MatMul", [q, kt], "qk"), floatTensor("attn.scale", [], [1 / Math.sqrt(HIDDEN)])], "scores");
const maskF = node("Cast", ["attention_mask"], "mask_f", [{ name: "to", i: FLOAT }]);
const maskBias = node("Mul", [node("Sub", [floatTensor("const.one_f", [], [1]), maskF], "mask_inv"), floatTensor("const.neg_big", [], [-10000])], "mask_bias");
const maskBias3 = node("Unsqueeze", [maskBias, int64Tensor("const.axis1", [1], [1])], "mask_bias_3d");
const probs = node("Softmax", [node("Add", [scores, maskBias3], "scores_masked")], "attn_probs", [{ name: "axis", i: -1 }]);
const attn = node("MatMul", [node("MatMul", [probs, v], "attn_ctx"), floatTensor("attn.o", [HIDDEN, HIDDEN], randomMatrix(HIDDEN, HIDDEN, wStd))], "attn_out");
const x1 = layerNorm(node("Add", [x0, attn], "attn_residual"), "attn.ln");

// Feed-forward block.
const h = node("Relu", [node("MatMul", [x1, floatTensor("ffn.in", [HIDDEN, FFN], randomMatrix(HIDDEN, FFN, wStd))], "ffn_h")], "ffn_act");
const f = node("MatMul", [h, floatTensor("ffn.out", [FFN, HIDDEN], randomMatrix(FFN, HIDDEN, 1 / Math.sqrt(FFN)))], "ffn_out");
layerNorm(node("Add", [x1, f], "ffn_residual"), "ffn.ln", "last_hidden_state");

const dim = (d: number | string) => (typeof d === "number" ? { dimValue: d } : { dimParam: d });
const valueInfo = (name: string, elemType: number, dims: (number | string)[]) => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map(dim) } } },
});

const root = protobuf.parse(ONNX_PROTO, { keepCase: false }).root;
const ModelProto = root.lookupType("onnx.ModelProto");
const model = {
  irVersion: 8,
  producerName: "isartor make-fixture-encoder",
  producerVersion: "1",
  opsetImport: [{ domain: "", version: 17 }],
  graph: {
    name: "tiny_minilm_fixture",
    node: nodes,
    initializer: initializers,
    input: ["input_ids", "attention_mask", "token_type_ids"].map((n) => valueInfo(n, INT64, ["batch_size", "sequence_length"])),
    output: [valueInfo("last_hidden_state", FLOAT, ["batch_size", "sequence_length", HIDDEN])],
  },
};
const err = ModelProto.verify(model);
if (err) throw new Error(`invalid ONNX model: ${err}`);
const bytes = ModelProto.encode(ModelProto.fromObject(model)).finish();

mkdirSync(join(OUT, "onnx"), { recursive: true });
writeFileSync(join(OUT, "onnx/model_quantized.onnx"), bytes);
for (const file of ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]) writeFileSync(join(OUT, file), readFileSync(join(TOKENIZER_DIR, file)));
const realConfig = JSON.parse(await Bun.file(join(TOKENIZER_DIR, "config.json")).text());
const config = {
  ...realConfig,
  _name_or_path: "isartor/tiny-minilm-fixture",
  hidden_size: HIDDEN,
  intermediate_size: FFN,
  num_attention_heads: 1,
  num_hidden_layers: 1,
  hidden_act: "relu",
};
writeFileSync(join(OUT, "config.json"), JSON.stringify(config, null, 2) + "\n");
writeFileSync(
  join(OUT, "README.md"),
  `# tiny-minilm (test fixture)\n\nGenerated by \`bun scripts/make-fixture-encoder.ts\`. A ${HIDDEN}-d, one-block BERT-shaped encoder with random\n` +
    `weights (fixed seed) and the real all-MiniLM-L6-v2 tokenizer (Apache-2.0, from Xenova/all-MiniLM-L6-v2).\n` +
    `Its embeddings are deterministic but meaningless: use it to test mechanics, never paraphrase quality.\n`,
);
console.log(`wrote ${OUT} (model ${(bytes.length / 1024).toFixed(0)} KiB, ${nodes.length} nodes)`);
