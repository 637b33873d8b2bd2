/**
 * Two-way cluster-robust intervals (judges × questions), after Cameron, Gelbach & Miller
 * (2011): the variance of a statistic is V_judge + V_question − V_judge∩question, where
 * V_G = G/(G−1) · Σ_g (D_g − D̄)² sums each verdict's influence D over the G clusters of
 * one grouping (the judges; the questions; the judge–question cells). The cells' term
 * takes out the verdicts' own noise, which each one-way term counts once: resampling
 * judges and questions independently (the "pigeonhole" bootstrap) counts it twice and is
 * far too conservative (McCullagh 2000; Owen 2007). The interval is estimate ± t·√V with
 * min(judges, questions) − 1 degrees of freedom.
 *
 * A statistic is any smooth function of one weight per verdict (a weighted accuracy, a
 * difference of two, a paired difference over questions, a refitted rating). A verdict's
 * influence is the derivative of the statistic with respect to its weight at the data
 * (all weights 1), taken by a central difference; for a weighted mean it is the CGM score
 * (y_i − mean)/n. Deterministic: the same data always give the same interval.
 *
 * Edge cases: with a single judge (or a single question) that grouping carries no
 * information and the interval is one-way over the other (V_question, Q − 1 degrees of
 * freedom); a two-way variance that comes out negative is replaced by the larger one-way
 * variance, as Cameron, Gelbach & Miller advise.
 */
import { tQuantile } from './student-t.ts';

export interface Clustered {
  judge: string;
  question: string;
}

/** A weight per observation (1 for every observation on the data itself). */
export type Weight<T> = (t: T) => number;

export interface ClusterInterval {
  estimate: number;
  low: number;
  high: number;
  level: number;
  /** √V, the two-way cluster-robust standard error. */
  se: number;
  /** Degrees of freedom of the t quantile: min(judges, questions) − 1 (one-way: clusters − 1). */
  df: number;
  judges: number;
  questions: number;
  method: 'two-way cluster-robust (judge × question)';
}

export interface ClusterOptions {
  level?: number;
  /** Clamp the interval to this range (e.g. [0, 1] for an accuracy). */
  range?: readonly [number, number];
  /** Parameters K of a regression the statistic is a coefficient of: the variance is multiplied by (N − 1)/(N − K), as statsmodels does (default 1: no factor). */
  parameters?: number;
}

/** Relative step of the central difference (the statistics are smooth; rounding error stays below 1e-6 relative). */
const STEP = 1e-4;

/** G/(G−1) · Σ_g (D_g − D̄)² over the groups of `key`; NaN with fewer than 2 groups. */
export function clusterVariance(influence: readonly number[], key: (i: number) => string): { groups: number; variance: number } {
  const sums = new Map<string, number>();
  influence.forEach((d, i) => sums.set(key(i), (sums.get(key(i)) ?? 0) + d));
  const g = sums.size;
  if (g < 2) return { groups: g, variance: Number.NaN };
  const mean = [...sums.values()].reduce((a, b) => a + b, 0) / g;
  let ss = 0;
  for (const s of sums.values()) ss += (s - mean) ** 2;
  return { groups: g, variance: (g / (g - 1)) * ss };
}

/** The two-way variance and its degrees of freedom from per-observation influences (see the module comment). */
export function twoWayVariance(items: readonly Clustered[], influence: readonly number[]): { variance: number; df: number } {
  const vj = clusterVariance(influence, (i) => (items[i] as Clustered).judge);
  const vq = clusterVariance(influence, (i) => (items[i] as Clustered).question);
  if (vj.groups < 2 && vq.groups < 2) return { variance: Number.NaN, df: 0 };
  if (vj.groups < 2) return { variance: vq.variance, df: vq.groups - 1 };
  if (vq.groups < 2) return { variance: vj.variance, df: vj.groups - 1 };
  const vc = clusterVariance(influence, (i) => `${(items[i] as Clustered).judge}\u0000${(items[i] as Clustered).question}`);
  const v = vj.variance + vq.variance - vc.variance;
  return { variance: v >= 0 ? v : Math.max(vj.variance, vq.variance), df: Math.min(vj.groups, vq.groups) - 1 };
}

/**
 * Two-way cluster-robust intervals of several statistics computed together (one call of
 * `statistic` returns them all, e.g. every debater's rating from one refit).
 */
export function clusterIntervals<T extends Clustered>(items: readonly T[], statistic: (weight: Weight<T>) => readonly number[], options: ClusterOptions = {}): ClusterInterval[] {
  const level = options.level ?? 0.95;
  const parameters = options.parameters ?? 1;
  const [lo, hi] = options.range ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const estimates = statistic(() => 1);
  const base = { level, judges: new Set(items.map((t) => t.judge)).size, questions: new Set(items.map((t) => t.question)).size, method: 'two-way cluster-robust (judge × question)' as const };
  // influence[k][i]: derivative of statistic k with respect to observation i's weight.
  const influence = estimates.map(() => new Array<number>(items.length).fill(0));
  items.forEach((target, i) => {
    const up = statistic((t) => (t === target ? 1 + STEP : 1));
    const down = statistic((t) => (t === target ? 1 - STEP : 1));
    estimates.forEach((_, k) => ((influence[k] as number[])[i] = ((up[k] as number) - (down[k] as number)) / (2 * STEP)));
  });
  return estimates.map((estimate, k) => {
    const { variance, df } = twoWayVariance(items, influence[k] as number[]);
    const n = items.length;
    const se = Math.sqrt(variance * (n > parameters ? (n - 1) / (n - parameters) : Number.NaN));
    if (!Number.isFinite(estimate) || !Number.isFinite(se) || df < 1) return { ...base, estimate, se: Number.NaN, df, low: Number.NaN, high: Number.NaN };
    const half = tQuantile((1 + level) / 2, df) * se;
    return { ...base, estimate, se, df, low: Math.max(lo, estimate - half), high: Math.min(hi, estimate + half) };
  });
}

/** The two-way cluster-robust interval of one statistic of the observations' weights. */
export function clusterInterval<T extends Clustered>(items: readonly T[], statistic: (weight: Weight<T>) => number, options: ClusterOptions = {}): ClusterInterval {
  return clusterIntervals(items, (w) => [statistic(w)], options)[0] as ClusterInterval;
}

/** Weighted mean of `value` over `items` (NaN when the weights sum to 0). */
export function weightedMean<T>(items: readonly T[], weight: Weight<T>, value: (t: T) => number): number {
  let sw = 0;
  let s = 0;
  for (const t of items) {
    const w = weight(t);
    if (w === 0) continue;
    sw += w;
    s += w * value(t);
  }
  return sw > 0 ? s / sw : Number.NaN;
}
