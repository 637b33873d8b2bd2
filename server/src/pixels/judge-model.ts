/**
 * The sparse judge: an MLP that names a digit from k revealed pixels.
 *
 * Input is two 784-planes (0/1 mask, masked values). Because the input is sparse, the
 * first layer is computed as a sum over the revealed pixels only:
 *   h = b1 + Σ_revealed (wMask[i] + value · wValue[i]),  a = ReLU(h),  z = b2 + a·w2.
 * Cost of one evaluation: k·H adds for the first layer, H·10 for the output.
 *
 * Weights are committed as JSON: the two H-wide first-layer matrices quantised to int8
 * with one float32 scale per row (the vector of one pixel), the small tensors as float32,
 * all base64. Provenance (command, seed, data, steps, held-out accuracy) travels with them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IMAGE_PIXELS } from './mnist-data.ts';

export const CLASSES = 10;

export interface Reveal {
  index: number;
  value: number;
}

export interface JudgeWeights {
  hidden: number;
  /** IMAGE_PIXELS × hidden, row i = vector added when pixel i is revealed. */
  wMask: Float32Array;
  /** IMAGE_PIXELS × hidden, row i scaled by the revealed value. */
  wValue: Float32Array;
  b1: Float32Array;
  /** hidden × 10, row-major (w2[j * 10 + c]). */
  w2: Float32Array;
  b2: Float32Array;
}

export interface JudgeProvenance {
  k: number;
  command: string;
  seed: string;
  splitSeed: string;
  trainSize: number;
  testSize: number;
  steps: number;
  batch: number;
  learningRate: number;
  trainSeconds: number;
  /** Accuracy of the stored (quantised) weights on held-out digits, random k-pixel masks. */
  heldOut: { images: number; masksPerImage: number; accuracy: number };
  createdAt: string;
}

export class SparseJudge {
  readonly hidden: number;
  readonly weights: JudgeWeights;
  private readonly acc: Float32Array;

  constructor(weights: JudgeWeights) {
    this.weights = weights;
    this.hidden = weights.hidden;
    this.acc = new Float32Array(weights.hidden);
  }

  /** acc += first-layer vector of one revealed pixel. */
  addPixel(acc: Float32Array, index: number, value: number): void {
    const H = this.hidden;
    const { wMask, wValue } = this.weights;
    const base = index * H;
    for (let j = 0; j < H; j++) acc[j] = (acc[j] as number) + (wMask[base + j] as number) + value * (wValue[base + j] as number);
  }

  /** out[c] = b2[c] + Σ_j ReLU(acc[j]) w2[j, c]. Returns out. */
  head(acc: Float32Array, out: Float32Array = new Float32Array(CLASSES)): Float32Array {
    const { w2, b2 } = this.weights;
    for (let c = 0; c < CLASSES; c++) out[c] = b2[c] as number;
    const H = this.hidden;
    for (let j = 0; j < H; j++) {
      const a = acc[j] as number;
      if (a <= 0) continue;
      const base = j * CLASSES;
      for (let c = 0; c < CLASSES; c++) out[c] = (out[c] as number) + a * (w2[base + c] as number);
    }
    return out;
  }

  /** The judge's ten logits for a set of revealed pixels. A fresh array each call. */
  logits(revealed: readonly Reveal[]): Float32Array {
    const acc = this.acc;
    acc.set(this.weights.b1);
    for (const r of revealed) {
      if (!Number.isInteger(r.index) || r.index < 0 || r.index >= IMAGE_PIXELS) throw new RangeError(`pixel index ${r.index}`);
      this.addPixel(acc, r.index, r.value);
    }
    return this.head(acc, new Float32Array(CLASSES));
  }

  /** argmax of the logits (lowest label on ties). */
  classify(revealed: readonly Reveal[]): number {
    return argmax(this.logits(revealed));
  }

  /** Scratch-free variant for hot loops: writes into `out`. */
  logitsInto(revealed: readonly Reveal[], out: Float32Array): Float32Array {
    const acc = this.acc;
    acc.set(this.weights.b1);
    for (const r of revealed) this.addPixel(acc, r.index, r.value);
    return this.head(acc, out);
  }
}

export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) > (xs[best] as number)) best = i;
  return best;
}

// ---------------------------------------------------------------------------
// Encoding

interface Int8Tensor {
  rows: number;
  cols: number;
  encoding: 'int8-rowscale';
  scales: string;
  data: string;
}
interface F32Tensor {
  rows: number;
  cols: number;
  encoding: 'float32';
  data: string;
}

export interface JudgeFile {
  format: 'arena-pixel-judge/1';
  architecture: string;
  hidden: number;
  provenance: JudgeProvenance;
  tensors: {
    wMask: Int8Tensor;
    wValue: Int8Tensor;
    b1: F32Tensor;
    w2: F32Tensor;
    b2: F32Tensor;
  };
}

function b64(bytes: Uint8Array | Int8Array | Float32Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function encodeF32(x: Float32Array, rows: number, cols: number): F32Tensor {
  return { rows, cols, encoding: 'float32', data: b64(x) };
}

function decodeF32(t: F32Tensor): Float32Array {
  const buf = Buffer.from(t.data, 'base64');
  const out = new Float32Array(t.rows * t.cols);
  new Uint8Array(out.buffer).set(buf.subarray(0, out.byteLength));
  return out;
}

function encodeInt8(x: Float32Array, rows: number, cols: number): Int8Tensor {
  const scales = new Float32Array(rows);
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(x[r * cols + c] as number));
    const s = m > 0 ? m / 127 : 1;
    scales[r] = s;
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.max(-127, Math.min(127, Math.round((x[r * cols + c] as number) / s)));
  }
  return { rows, cols, encoding: 'int8-rowscale', scales: b64(scales), data: b64(q) };
}

function decodeInt8(t: Int8Tensor): Float32Array {
  const scales = decodeF32({ rows: t.rows, cols: 1, encoding: 'float32', data: t.scales });
  const buf = Buffer.from(t.data, 'base64');
  const q = new Int8Array(buf.buffer, buf.byteOffset, t.rows * t.cols);
  const out = new Float32Array(t.rows * t.cols);
  for (let r = 0; r < t.rows; r++) {
    const s = scales[r] as number;
    for (let c = 0; c < t.cols; c++) out[r * t.cols + c] = (q[r * t.cols + c] as number) * s;
  }
  return out;
}

export function encodeJudge(w: JudgeWeights, provenance: JudgeProvenance): JudgeFile {
  const H = w.hidden;
  return {
    format: 'arena-pixel-judge/1',
    architecture: `sparse MLP: [mask(784), values(784)] -> ${H} ReLU -> 10; first layer summed over revealed pixels`,
    hidden: H,
    provenance,
    tensors: {
      wMask: encodeInt8(w.wMask, IMAGE_PIXELS, H),
      wValue: encodeInt8(w.wValue, IMAGE_PIXELS, H),
      b1: encodeF32(w.b1, 1, H),
      w2: encodeF32(w.w2, H, CLASSES),
      b2: encodeF32(w.b2, 1, CLASSES),
    },
  };
}

export function decodeJudge(file: JudgeFile): JudgeWeights {
  if (file.format !== 'arena-pixel-judge/1') throw new Error(`unknown judge format ${String(file.format)}`);
  const t = file.tensors;
  return {
    hidden: file.hidden,
    wMask: decodeInt8(t.wMask),
    wValue: decodeInt8(t.wValue),
    b1: decodeF32(t.b1),
    w2: decodeF32(t.w2),
    b2: decodeF32(t.b2),
  };
}

/** Round-trips weights through the stored encoding (what a loaded judge will compute). */
export function quantised(w: JudgeWeights): JudgeWeights {
  return decodeJudge(encodeJudge(w, {} as JudgeProvenance));
}

export function defaultJudgePath(k: number): string {
  return fileURLToPath(new URL(`./weights/judge-k${k}.json`, import.meta.url));
}

export function saveJudge(path: string, w: JudgeWeights, provenance: JudgeProvenance): void {
  writeFileSync(path, JSON.stringify(encodeJudge(w, provenance), null, 1) + '\n');
}

export interface LoadedJudge {
  judge: SparseJudge;
  provenance: JudgeProvenance;
  path: string;
}

const loaded = new Map<string, LoadedJudge>();

/** Loads (and caches) a committed judge: by k from weights/, or from an explicit path. */
export function loadJudge(kOrPath: number | string): LoadedJudge {
  const path = typeof kOrPath === 'number' ? defaultJudgePath(kOrPath) : kOrPath;
  const hit = loaded.get(path);
  if (hit) return hit;
  const file = JSON.parse(readFileSync(path, 'utf8')) as JudgeFile;
  const out = { judge: new SparseJudge(decodeJudge(file)), provenance: file.provenance, path };
  loaded.set(path, out);
  return out;
}
