/**
 * Training the sparse judge: random masks of k nonzero pixels, softmax cross-entropy,
 * Adam on minibatches, seeded. The first layer is updated lazily (only the rows of the
 * pixels revealed in the batch), which is what makes a few minutes on one core enough.
 */
import cliProgress from 'cli-progress';
import { rngFromSeed } from '@arena/shared';
import type { Rng } from './game.ts';
import { sampleDistinct } from './game.ts';
import { CLASSES, SparseJudge, argmax, quantised } from './judge-model.ts';
import type { JudgeWeights } from './judge-model.ts';
import { IMAGE_PIXELS } from './mnist-data.ts';
import type { Digit } from './mnist-data.ts';

export interface TrainOptions {
  k: number;
  hidden: number;
  steps: number;
  batch: number;
  /** Peak learning rate; cosine decay to lr/20 after a short warm-up. */
  lr: number;
  seed: string;
  progress: boolean;
}

export const DEFAULT_TRAIN: Omit<TrainOptions, 'k'> = {
  hidden: 512,
  steps: 20000,
  batch: 128,
  lr: 2e-3,
  seed: 'judge-v1',
  progress: true,
};

function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function initWeights(k: number, hidden: number, rng: Rng): JudgeWeights {
  const H = hidden;
  const std1 = Math.sqrt(1 / k);
  const wMask = new Float32Array(IMAGE_PIXELS * H);
  const wValue = new Float32Array(IMAGE_PIXELS * H);
  for (let i = 0; i < wMask.length; i++) wMask[i] = gaussian(rng) * std1 * 0.5;
  for (let i = 0; i < wValue.length; i++) wValue[i] = gaussian(rng) * std1 * 0.5;
  const w2 = new Float32Array(H * CLASSES);
  const std2 = Math.sqrt(1 / H);
  for (let i = 0; i < w2.length; i++) w2[i] = gaussian(rng) * std2;
  return { hidden: H, wMask, wValue, b1: new Float32Array(H), w2, b2: new Float32Array(CLASSES) };
}

class Adam {
  readonly m: Float32Array;
  readonly v: Float32Array;
  constructor(n: number) {
    this.m = new Float32Array(n);
    this.v = new Float32Array(n);
  }
  /** Updates w[from, from+len) with g, at step t (1-based). */
  update(w: Float32Array, g: Float32Array, from: number, len: number, lr: number, t: number): void {
    const b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const c1 = 1 / (1 - Math.pow(b1, t));
    const c2 = 1 / (1 - Math.pow(b2, t));
    const m = this.m, v = this.v;
    for (let i = from; i < from + len; i++) {
      const gi = g[i] as number;
      const mi = b1 * (m[i] as number) + (1 - b1) * gi;
      const vi = b2 * (v[i] as number) + (1 - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] = (w[i] as number) - (lr * mi * c1) / (Math.sqrt(vi * c2) + eps);
      g[i] = 0;
    }
  }
}

export interface TrainResult {
  weights: JudgeWeights;
  seconds: number;
  finalLoss: number;
}

/** Trains a judge on `train`; returns float32 weights (quantise before storing). */
export function trainJudge(train: readonly Digit[], opts: TrainOptions, log: (line: string) => void = () => {}): TrainResult {
  const { k, hidden: H, steps, batch: B } = opts;
  const rng = rngFromSeed(`${opts.seed}/k${k}`);
  const w = initWeights(k, H, rng);
  const gMask = new Float32Array(w.wMask.length);
  const gValue = new Float32Array(w.wValue.length);
  const gb1 = new Float32Array(H);
  const gw2 = new Float32Array(w.w2.length);
  const gb2 = new Float32Array(CLASSES);
  const aMask = new Adam(gMask.length), aValue = new Adam(gValue.length);
  const ab1 = new Adam(H), aw2 = new Adam(gw2.length), ab2 = new Adam(CLASSES);
  const rowStep = new Int32Array(IMAGE_PIXELS); // last step a row was touched (lazy Adam)
  const touched = new Uint8Array(IMAGE_PIXELS);
  const touchedList: number[] = [];

  const hs = new Float32Array(B * H);
  const idx = new Int32Array(B * k);
  const vals = new Float32Array(B * k);
  const cnt = new Int32Array(B);
  const labels = new Int32Array(B);
  const z = new Float32Array(CLASSES);
  const dz = new Float32Array(CLASSES);
  const dh = new Float32Array(H);

  const bar = opts.progress
    ? new cliProgress.SingleBar(
        { format: `train k=${k} [{bar}] {percentage}% {value}/{total} steps | loss {loss} | {duration_formatted} (eta {eta_formatted})`, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(steps, 0, { loss: '-' });
  const t0 = performance.now();
  let emaLoss = Math.log(CLASSES);
  const warm = Math.min(500, Math.floor(steps / 20));

  for (let step = 1; step <= steps; step++) {
    const lr =
      step <= warm
        ? (opts.lr * step) / Math.max(1, warm)
        : opts.lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * (step - warm)) / Math.max(1, steps - warm))));
    let loss = 0;
    // Forward + backward, accumulating gradients.
    for (let b = 0; b < B; b++) {
      const d = train[Math.floor(rng() * train.length)] as Digit;
      labels[b] = d.label;
      const pick = sampleDistinct(d.nonzero, k, rng);
      cnt[b] = pick.length;
      const h = hs.subarray(b * H, (b + 1) * H);
      h.set(w.b1);
      for (let r = 0; r < pick.length; r++) {
        const p = pick[r] as number;
        const v = d.pixels[p] as number;
        idx[b * k + r] = p;
        vals[b * k + r] = v;
        const base = p * H;
        for (let j = 0; j < H; j++) h[j] = (h[j] as number) + (w.wMask[base + j] as number) + v * (w.wValue[base + j] as number);
      }
      // head
      for (let c = 0; c < CLASSES; c++) z[c] = w.b2[c] as number;
      for (let j = 0; j < H; j++) {
        const a = h[j] as number;
        if (a <= 0) continue;
        for (let c = 0; c < CLASSES; c++) z[c] = (z[c] as number) + a * (w.w2[j * CLASSES + c] as number);
      }
      let mx = -Infinity;
      for (let c = 0; c < CLASSES; c++) mx = Math.max(mx, z[c] as number);
      let s = 0;
      for (let c = 0; c < CLASSES; c++) s += Math.exp((z[c] as number) - mx);
      const lse = mx + Math.log(s);
      loss += lse - (z[d.label] as number);
      for (let c = 0; c < CLASSES; c++) dz[c] = (Math.exp((z[c] as number) - lse) - (c === d.label ? 1 : 0)) / B;
      for (let c = 0; c < CLASSES; c++) gb2[c] = (gb2[c] as number) + (dz[c] as number);
      for (let j = 0; j < H; j++) {
        const a = h[j] as number;
        if (a <= 0) {
          dh[j] = 0;
          continue;
        }
        let s2 = 0;
        const base = j * CLASSES;
        for (let c = 0; c < CLASSES; c++) {
          const dc = dz[c] as number;
          gw2[base + c] = (gw2[base + c] as number) + a * dc;
          s2 += (w.w2[base + c] as number) * dc;
        }
        dh[j] = s2;
      }
      for (let j = 0; j < H; j++) gb1[j] = (gb1[j] as number) + (dh[j] as number);
      for (let r = 0; r < pick.length; r++) {
        const p = idx[b * k + r] as number;
        const v = vals[b * k + r] as number;
        if (!touched[p]) {
          touched[p] = 1;
          touchedList.push(p);
        }
        const base = p * H;
        for (let j = 0; j < H; j++) {
          const g = dh[j] as number;
          gMask[base + j] = (gMask[base + j] as number) + g;
          gValue[base + j] = (gValue[base + j] as number) + v * g;
        }
      }
    }
    // Updates. Lazy Adam for first-layer rows: moments of untouched rows are not decayed.
    for (const p of touchedList) {
      const t = rowStep[p]! + 1;
      rowStep[p] = t;
      aMask.update(w.wMask, gMask, p * H, H, lr, t);
      aValue.update(w.wValue, gValue, p * H, H, lr, t);
      touched[p] = 0;
    }
    touchedList.length = 0;
    ab1.update(w.b1, gb1, 0, H, lr, step);
    aw2.update(w.w2, gw2, 0, gw2.length, lr, step);
    ab2.update(w.b2, gb2, 0, CLASSES, lr, step);
    emaLoss = 0.99 * emaLoss + 0.01 * (loss / B);
    if (bar && (step % 50 === 0 || step === steps)) bar.update(step, { loss: emaLoss.toFixed(3) });
    if (!bar && step % 2000 === 0) log(`step ${step}/${steps} loss ${emaLoss.toFixed(3)}`);
  }
  bar?.stop();
  return { weights: w, seconds: (performance.now() - t0) / 1000, finalLoss: emaLoss };
}

/** Accuracy on `masksPerImage` random k-nonzero-pixel masks per digit, seeded. */
export function judgeAccuracy(
  judge: SparseJudge,
  digits: readonly Digit[],
  k: number,
  seed: string,
  masksPerImage = 1,
): { correct: number; n: number; accuracy: number; perDigit: number[] } {
  const rng = rngFromSeed(seed);
  const out = new Float32Array(CLASSES);
  let correct = 0, n = 0;
  // Masks judged correctly, per digit (the masks of one digit are not independent trials).
  const perDigit: number[] = [];
  for (const d of digits) {
    let right = 0;
    for (let m = 0; m < masksPerImage; m++) {
      const pick = sampleDistinct(d.nonzero, k, rng);
      judge.logitsInto(pick.map((index) => ({ index, value: d.pixels[index] as number })), out);
      if (argmax(out) === d.label) right++;
      n++;
    }
    correct += right;
    perDigit.push(right);
  }
  return { correct, n, accuracy: n ? correct / n : Number.NaN, perDigit };
}

/** Held-out accuracy of the weights as they will be stored (int8 first layer). */
export function storedAccuracy(w: JudgeWeights, test: readonly Digit[], k: number, masksPerImage = 5) {
  return judgeAccuracy(new SparseJudge(quantised(w)), test, k, `heldout/k${k}`, masksPerImage);
}
