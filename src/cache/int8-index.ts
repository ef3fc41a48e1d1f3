// Fast exact top-k for the in-memory vector store: a coarse scan of int8 copies of the rows with a
// WebAssembly SIMD kernel, then an exact float re-rank that provably cannot miss a true top-k row.
//
// Each row r is kept as int8 (per-row scale s_r = max|r_i| / 127) in the kernel's memory, with
// e_r = ‖r − r̂‖ (its quantisation error) and n_r = ‖r‖. The query is quantised to int16 the same way
// (q̂, e_q = ‖q − q̂‖). The kernel computes the exact integer dot q̂·r̂ for every row; since
//   q·r − q̂·r̂ = (q − q̂)·r + q̂·(r − r̂),   |q·r − q̂·r̂| ≤ e_q·n_r + ‖q̂‖·e_r   (Cauchy–Schwarz)
// every row gets a certified interval [lo_r, hi_r] around its true score. The k-th best true score is at
// least the k-th best lo (and at least minScore), so only rows whose hi reaches that can be in the top k;
// those are scored exactly (the same float code as the flat scan), best hi first, stopping as soon as the
// next hi falls below the k-th best exact score. The result is the flat scan's result: same rows, same
// scores, same tie order (lower row first) — not an approximation.
import { SIMD_KERNEL_BASE64 } from "./simd-kernel.generated.ts";

let kernel: WebAssembly.Module | null | undefined;

/** The compiled SIMD kernel, or null where WebAssembly (SIMD) is unavailable. */
export function simdKernel(): WebAssembly.Module | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = Uint8Array.from(atob(SIMD_KERNEL_BASE64), (c) => c.charCodeAt(0));
    kernel = typeof WebAssembly === "object" && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    kernel = null;
  }
  return kernel;
}

const PAGE = 65536;
/** slack added to every bound: covers float rounding in the bounds and in the exact scores (~1e-14) */
const SLACK = 1e-6;

export interface Scored {
  row: number;
  score: number;
}

export class Int8Index {
  private readonly stride: number;
  private readonly qBytes: number;
  private readonly qMax: number;
  private readonly mem: WebAssembly.Memory;
  private readonly dotsFn: (q: number, rows: number, count: number, stride: number, out: number) => void;
  private capacity = 0;
  private i8!: Int8Array;
  private scale = new Float64Array(0);
  private err = new Float64Array(0);
  private norm = new Float64Array(0);

  constructor(module: WebAssembly.Module, private readonly dims: number, capacity: number) {
    this.stride = Math.ceil(dims / 32) * 32; // the kernel takes 32 int8 lanes per step
    this.qBytes = this.stride * 2;
    // keeps every integer dot (≤ 127 · qMax · stride in magnitude) inside int32
    this.qMax = Math.min(8191, Math.floor(2147483647 / (127 * this.stride)));
    const inst = new WebAssembly.Instance(module, {});
    this.mem = inst.exports.mem as WebAssembly.Memory;
    this.dotsFn = inst.exports.dots as Int8Index["dotsFn"];
    this.reserve(capacity);
  }

  /** makes room for `rows` rows (keeping those held) */
  reserve(rows: number) {
    if (rows <= this.capacity) return;
    const cap = Math.max(rows, this.capacity * 2, 16);
    const bytes = this.qBytes + cap * this.stride + cap * 4;
    const pages = Math.ceil(bytes / PAGE) - this.mem.buffer.byteLength / PAGE;
    if (pages > 0) this.mem.grow(pages);
    this.i8 = new Int8Array(this.mem.buffer);
    for (const name of ["scale", "err", "norm"] as const) {
      const grown = new Float64Array(cap);
      grown.set(this[name]);
      this[name] = grown;
    }
    this.capacity = cap;
  }

  /** quantises `vector` into row `row` (reserve() first) */
  set(row: number, vector: Float32Array) {
    const dims = this.dims;
    let maxAbs = 0;
    let n2 = 0;
    for (let j = 0; j < dims; j++) {
      const x = vector[j]!;
      n2 += x * x;
      const a = x < 0 ? -x : x;
      if (a > maxAbs) maxAbs = a;
    }
    const s = maxAbs / 127;
    const base = this.qBytes + row * this.stride;
    const i8 = this.i8;
    let e2 = 0;
    for (let j = 0; j < dims; j++) {
      const x = vector[j]!;
      const v = s > 0 ? Math.max(-127, Math.min(127, Math.round(x / s))) : 0;
      i8[base + j] = v;
      const d = x - v * s;
      e2 += d * d;
    }
    this.scale[row] = s;
    this.err[row] = Math.sqrt(e2);
    this.norm[row] = Math.sqrt(n2);
  }

  /** copies row `from` over row `to` */
  move(from: number, to: number) {
    const src = this.qBytes + from * this.stride;
    this.i8.copyWithin(this.qBytes + to * this.stride, src, src + this.stride);
    this.scale[to] = this.scale[from]!;
    this.err[to] = this.err[from]!;
    this.norm[to] = this.norm[from]!;
  }

  /**
   * The best `limit` rows at or above minScore among the first `count`, highest first, scored exactly
   * against `rows` (the float rows this index mirrors) — the same answer as topMatches().
   */
  search(rows: Float32Array, count: number, q: Float32Array, minScore: number, limit: number): Scored[] {
    if (count === 0 || limit <= 0) return [];
    const dims = this.dims;
    // quantise the query into the kernel's int16 slot
    let maxAbs = 0;
    for (let j = 0; j < dims; j++) {
      const a = Math.abs(q[j]!);
      if (a > maxAbs) maxAbs = a;
    }
    const sq = maxAbs / this.qMax;
    const q16 = new Int16Array(this.mem.buffer, 0, this.stride);
    let eq2 = 0;
    let qn2 = 0;
    for (let j = 0; j < dims; j++) {
      const v = sq > 0 ? Math.round(q[j]! / sq) : 0;
      q16[j] = v;
      const d = v * sq;
      eq2 += (q[j]! - d) ** 2;
      qn2 += d * d;
    }
    const eq = Math.sqrt(eq2);
    const qn = Math.sqrt(qn2);
    const outPtr = this.qBytes + this.capacity * this.stride;
    this.dotsFn(0, this.qBytes, count, this.stride, outPtr);
    const dots = new Int32Array(this.mem.buffer, outPtr, count);

    // pass 1: bounds; tau = max(minScore, k-th best lower bound) only rises, candidates are rows whose
    // upper bound reaches the tau of their time (re-filtered against the final tau below)
    const { scale, err, norm } = this;
    const lows: number[] = []; // best `limit` lower bounds, descending
    let tau = minScore;
    const candRows: number[] = [];
    const candHi: number[] = [];
    for (let r = 0; r < count; r++) {
      const a = dots[r]! * sq * scale[r]!;
      const b = qn * err[r]! + eq * norm[r]! + SLACK;
      const hi = a + b;
      if (hi < tau) continue;
      candRows.push(r);
      candHi.push(hi);
      const lo = a - b;
      if (lo > tau && (lows.length < limit || lo > lows[lows.length - 1]!)) {
        let i = lows.length < limit ? lows.length : lows.length - 1;
        while (i > 0 && lows[i - 1]! < lo) {
          lows[i] = lows[i - 1]!;
          i--;
        }
        lows[i] = lo;
        if (lows.length > limit) lows.length = limit;
        if (lows.length === limit) tau = Math.max(minScore, lows[limit - 1]!);
      }
    }

    // pass 2: exact scores, best upper bound first
    const order: number[] = [];
    for (let i = 0; i < candRows.length; i++) if (candHi[i]! >= tau) order.push(i);
    order.sort((x, y) => candHi[y]! - candHi[x]!);
    const best: Scored[] = [];
    let floor = minScore;
    for (const i of order) {
      if (candHi[i]! < floor) break;
      const r = candRows[i]!;
      const score = exactDot(rows, r * dims, q, dims);
      if (score < floor) continue;
      if (best.length === limit) {
        const last = best[limit - 1]!;
        if (score === last.score && r > last.row) continue; // the flat scan keeps the lower row on a tie
      }
      let k = best.length;
      best.push({ row: r, score });
      while (k > 0 && (best[k - 1]!.score < score || (best[k - 1]!.score === score && best[k - 1]!.row > r))) {
        best[k] = best[k - 1]!;
        k--;
      }
      best[k] = { row: r, score };
      if (best.length > limit) best.pop();
      if (best.length === limit) floor = Math.max(minScore, best[limit - 1]!.score);
    }
    return best;
  }
}

/** q · rows[o .. o+dims), summed exactly as the flat scan (topMatches) sums it, so scores are identical */
export function exactDot(rows: Float32Array, o: number, q: Float32Array, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dims; j += 4) {
    s0 += rows[o + j]! * q[j]!;
    s1 += rows[o + j + 1]! * q[j + 1]!;
    s2 += rows[o + j + 2]! * q[j + 2]!;
    s3 += rows[o + j + 3]! * q[j + 3]!;
  }
  for (; j < dims; j++) s0 += rows[o + j]! * q[j]!;
  return s0 + s1 + s2 + s3;
}
