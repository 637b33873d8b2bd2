/**
 * Differences between two protocols over the SAME questions. Each pair is one question
 * (scenario) with a score under protocol a and under protocol b (e.g. the judge's
 * accuracy on that question under debate and under consultancy). The difference is the
 * mean of the per-question differences; its interval resamples questions, so the
 * variation between questions, shared by both protocols, cancels out.
 */
import { rngFromSeed } from '../random.ts';
import { tQuantile } from './student-t.ts';

export interface Pair {
  /** The question (scenario id). */
  key: string;
  a: number;
  b: number;
}

export interface PairedDifference {
  /** Number of questions with a score under both protocols. */
  n: number;
  /** Mean over questions of (a − b). NaN when n = 0. */
  difference: number;
  /** Percentile-bootstrap interval of the mean difference. */
  low: number;
  high: number;
  level: number;
  method: 'paired-bootstrap';
  resamples: number;
  seed: string;
  /** The paired t interval (mean ± t_{n−1}·sd/√n; Student's t, so it keeps its level with few questions), for comparison. */
  normal: { low: number; high: number };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/**
 * Paired bootstrap over questions: draws n questions with replacement `resamples`
 * times (seeded, so the same data always gives the same interval) and takes the
 * (1 − level)/2 and (1 + level)/2 percentiles of the resampled mean differences.
 */
export function pairedBootstrap(
  pairs: readonly Pair[],
  options: { resamples?: number; seed?: string; level?: number } = {},
): PairedDifference {
  const resamples = options.resamples ?? 10_000;
  const seed = options.seed ?? 'paired-bootstrap';
  const level = options.level ?? 0.95;
  const diffs = [...pairs].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)).map((p) => p.a - p.b);
  const n = diffs.length;
  if (n === 0) {
    return { n, difference: Number.NaN, low: Number.NaN, high: Number.NaN, level, method: 'paired-bootstrap', resamples, seed, normal: { low: Number.NaN, high: Number.NaN } };
  }
  const mean = diffs.reduce((s, d) => s + d, 0) / n;
  const rng = rngFromSeed(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += diffs[Math.floor(rng() * n)] as number;
    means[r] = s / n;
  }
  const sorted = Array.from(means).sort((x, y) => x - y);
  const alpha = (1 - level) / 2;
  const sd = n > 1 ? Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1)) : 0;
  const half = n > 1 ? (tQuantile(1 - alpha, n - 1) * sd) / Math.sqrt(n) : Number.NaN;
  return {
    n,
    difference: mean,
    low: quantile(sorted, alpha),
    high: quantile(sorted, 1 - alpha),
    level,
    method: 'paired-bootstrap',
    resamples,
    seed,
    // A difference of proportions lies in [−1, 1]; so does its interval.
    normal: { low: Math.max(-1, mean - half), high: Math.min(1, mean + half) },
  };
}

/** Inverse of the standard normal CDF (Acklam's rational approximation; |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}
