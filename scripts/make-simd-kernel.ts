#!/usr/bin/env bun
// Assembles the WebAssembly SIMD kernel behind the in-memory vector store's coarse scan and writes it,
// base64, to src/cache/simd-kernel.generated.ts (a TS module, so `bun build --compile` needs no extra file).
// Hand-assembled (no wabt dependency); the WAT it encodes is written out next to each instruction.
//
//   (module
//     (memory (export "mem") 1)
//     ;; out[r] = Σ_j rows[r][j] · q[j] for r < count; rows: int8, `stride` bytes each (a multiple of 32,
//     ;; zero padded); q: int16, `stride` lanes; out: int32. Exact integer arithmetic (callers keep
//     ;; |q[j]| · 127 · stride < 2^31).
//     (func (export "dots") (param $q i32) (param $rows i32) (param $count i32) (param $stride i32) (param $out i32)
//       (local $end i32) (local $p i32) (local $rowEnd i32) (local $qp i32) (local $acc v128) (local $v v128) (local $acc2 v128) ...))
//
// Usage: bun scripts/make-simd-kernel.ts        (rewrites the module)
//        bun scripts/make-simd-kernel.ts --check (exits 1 if the committed module differs)
import { resolve } from "node:path";

const OUT = resolve(import.meta.dir, "../src/cache/simd-kernel.generated.ts");

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const str = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

const I32 = 0x7f;
const V128 = 0x7b;
// parameters and locals
const [Q, ROWS, COUNT, STRIDE, OUTP, END, P, ROW_END, QP, ACC, V, ACC2] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

const get = (i: number) => [0x20, ...uleb(i)]; // local.get
const set = (i: number) => [0x21, ...uleb(i)]; // local.set
const tee = (i: number) => [0x22, ...uleb(i)]; // local.tee
const i32const = (n: number) => [0x41, ...sleb(n)];
const i32add = [0x6a];
const i32shl = [0x74];
const i32eqz = [0x45];
const i32ltu = [0x49];
const i32store = [0x36, 2, 0]; // align 4, offset 0
const block = [0x02, 0x40];
const loop = [0x03, 0x40];
const brIf = (d: number) => [0x0d, ...uleb(d)];
const end = [0x0b];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const v128load = (offset = 0) => simd(0x00, 4, ...uleb(offset)); // align 16
const v128const0 = simd(0x0c, ...new Array(16).fill(0));
const extendLowS = simd(0x87); // i16x8.extend_low_i8x16_s
const extendHighS = simd(0x88); // i16x8.extend_high_i8x16_s
const dotS = simd(0xba); // i32x4.dot_i16x8_s
const i32x4add = simd(0xae); // i32x4.add
const lane = (l: number) => simd(0x1b, l); // i32x4.extract_lane

const body = [
  // end = out + count * 4
  ...get(OUTP), ...get(COUNT), ...i32const(2), ...i32shl, ...i32add, ...set(END),
  ...block,
  ...get(COUNT), ...i32eqz, ...brIf(0),
  ...get(ROWS), ...set(P),
  ...loop, // per row
  ...v128const0, ...set(ACC),
  ...v128const0, ...set(ACC2),
  ...get(P), ...get(STRIDE), ...i32add, ...set(ROW_END),
  ...get(Q), ...set(QP),
  ...loop, // 32 int8 lanes per step, two accumulators
  ...get(P), ...v128load(0), ...set(V),
  ...get(ACC),
  ...get(V), ...extendLowS, ...get(QP), ...v128load(0), ...dotS, ...i32x4add,
  ...get(V), ...extendHighS, ...get(QP), ...v128load(16), ...dotS, ...i32x4add,
  ...set(ACC),
  ...get(P), ...v128load(16), ...set(V),
  ...get(ACC2),
  ...get(V), ...extendLowS, ...get(QP), ...v128load(32), ...dotS, ...i32x4add,
  ...get(V), ...extendHighS, ...get(QP), ...v128load(48), ...dotS, ...i32x4add,
  ...set(ACC2),
  ...get(QP), ...i32const(64), ...i32add, ...set(QP),
  ...get(P), ...i32const(32), ...i32add, ...tee(P),
  ...get(ROW_END), ...i32ltu, ...brIf(0),
  ...end,
  // out[r] = horizontal sum
  ...get(OUTP),
  ...get(ACC), ...get(ACC2), ...i32x4add, ...set(ACC),
  ...get(ACC), ...lane(0), ...get(ACC), ...lane(1), ...i32add, ...get(ACC), ...lane(2), ...i32add, ...get(ACC), ...lane(3), ...i32add,
  ...i32store,
  ...get(OUTP), ...i32const(4), ...i32add, ...tee(OUTP),
  ...get(END), ...i32ltu, ...brIf(0),
  ...end,
  ...end,
  ...end, // function
];
const locals = vec([[...uleb(4), I32], [...uleb(3), V128]]);
const code = [...locals, ...body];

const bytes = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])]])), // type 0: (i32 ×5) → ()
  ...section(3, vec([uleb(0)])), // func 0 has type 0
  ...section(5, vec([[0x00, ...uleb(1)]])), // memory 0: min 1 page
  ...section(7, vec([[...str("dots"), 0x00, ...uleb(0)], [...str("mem"), 0x02, ...uleb(0)]])),
  ...section(10, vec([[...uleb(code.length), ...code]])),
]);
if (!WebAssembly.validate(bytes)) throw new Error("assembled kernel does not validate");

const b64 = Buffer.from(bytes).toString("base64");
const text = `// GENERATED by scripts/make-simd-kernel.ts — do not edit; rerun the script instead.
// WebAssembly SIMD int8·int16 dot-product kernel (${bytes.length} bytes), see the script for its WAT.
export const SIMD_KERNEL_BASE64 = "${b64}";
`;
if (Bun.argv.includes("--check")) {
  const current = await Bun.file(OUT).text().catch(() => "");
  if (current !== text) {
    console.error(`${OUT} is out of date: run bun scripts/make-simd-kernel.ts`);
    process.exit(1);
  }
  console.log("kernel module up to date");
} else {
  await Bun.write(OUT, text);
  console.log(`wrote ${OUT} (${bytes.length} bytes of wasm)`);
}
