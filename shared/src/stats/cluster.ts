/**
 * Two-way cluster bootstrap (judges × questions), after Owen (2007) and Cameron, Gelbach
 * & Miller (2011): each resample draws the judges with replacement and, independently,
 * the questions with replacement; an observation of judge j on question q then weighs
 * (times j was drawn) × (times q was drawn). A statistic is any function of those weights
 * (a weighted accuracy, a difference of two, a paired difference over questions), and
 * the interval is the percentile interval of its resampled values. The same seed gives
 * the same interval.
 *
 * Draw order (fixed, so a second implementation can reproduce it): per resample, first
 * one draw per distinct judge (sorted by id), each `floor(rng() * J)`, then one per
 * distinct question (sorted), each `floor(rng() * Q)`, from `rngFromSeed(seed)`.
 */
import { rngFromSeed } from '../random.ts';

export interface Clustered {
  judge: string;
  question: string;
}

/** A weight per observation under one resample (1 for every observation on the data itself). */
export type Weight<T> = (t: T) => number;

/** How many times a judge or a question was drawn in the current resample (1 on the data itself). */
export interface Draws {
  judge: (id: string) => number;
  question: (id: string) => number;
}

export interface ClusterInterval {
  estimate: number;
  low: number;
  high: number;
  level: number;
  resamples: number;
  /** Resamples where the statistic was undefined (e.g. a group drawn empty), left out. */
  undefinedResamples: number;
  seed: string;
  judges: number;
  questions: number;
  method: 'two-way cluster bootstrap (judge × question)';
}

export const CLUSTER_SEED = 'cluster-bootstrap';
export const CLUSTER_RESAMPLES = 2000;

/** The q-quantile of sorted values (linear interpolation, as R's type 7). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Percentile interval of `statistic` under the two-way cluster bootstrap of `items`. */
export function clusterBootstrap<T extends Clustered>(
  items: readonly T[],
  statistic: (weight: Weight<T>, draws: Draws) => number,
  options: { resamples?: number; seed?: string; level?: number } = {},
): ClusterInterval {
  const resamples = options.resamples ?? CLUSTER_RESAMPLES;
  const seed = options.seed ?? CLUSTER_SEED;
  const level = options.level ?? 0.95;
  const judges = [...new Set(items.map((t) => t.judge))].sort(byString);
  const questions = [...new Set(items.map((t) => t.question))].sort(byString);
  const jIndex = new Map(judges.map((j, i) => [j, i]));
  const qIndex = new Map(questions.map((q, i) => [q, i]));
  const estimate = statistic(() => 1, { judge: (j) => (jIndex.has(j) ? 1 : 0), question: (q) => (qIndex.has(q) ? 1 : 0) });
  const base = { estimate, level, resamples, seed, judges: judges.length, questions: questions.length, method: 'two-way cluster bootstrap (judge × question)' as const };
  if (items.length === 0 || !Number.isFinite(estimate)) return { ...base, low: Number.NaN, high: Number.NaN, undefinedResamples: resamples };
  const rng = rngFromSeed(seed);
  const cj = new Float64Array(judges.length);
  const cq = new Float64Array(questions.length);
  const jOf = new Int32Array(items.length);
  const qOf = new Int32Array(items.length);
  const pos = new Map<T, number>();
  items.forEach((t, i) => {
    jOf[i] = jIndex.get(t.judge) as number;
    qOf[i] = qIndex.get(t.question) as number;
    pos.set(t, i);
  });
  const weight: Weight<T> = (t) => {
    const i = pos.get(t);
    return i === undefined ? 0 : (cj[jOf[i] as number] as number) * (cq[qOf[i] as number] as number);
  };
  const draws: Draws = {
    judge: (j) => {
      const i = jIndex.get(j);
      return i === undefined ? 0 : (cj[i] as number);
    },
    question: (q) => {
      const i = qIndex.get(q);
      return i === undefined ? 0 : (cq[i] as number);
    },
  };
  const values: number[] = [];
  let undefinedResamples = 0;
  for (let r = 0; r < resamples; r++) {
    cj.fill(0);
    cq.fill(0);
    for (let i = 0; i < judges.length; i++) {
      const k = Math.floor(rng() * judges.length);
      cj[k] = (cj[k] as number) + 1;
    }
    for (let i = 0; i < questions.length; i++) {
      const k = Math.floor(rng() * questions.length);
      cq[k] = (cq[k] as number) + 1;
    }
    const v = statistic(weight, draws);
    if (Number.isFinite(v)) values.push(v);
    else undefinedResamples++;
  }
  values.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  return { ...base, low: quantileSorted(values, alpha), high: quantileSorted(values, 1 - alpha), undefinedResamples };
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
