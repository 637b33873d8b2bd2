/**
 * Differences between two protocols' accuracy, paired over the questions judged under
 * both (each question counts once: the mean over questions of the per-question accuracy
 * difference), with the paired normal interval, a paired bootstrap over questions and a
 * two-way (judge × question) cluster-robust interval. With no common question the
 * difference is unpaired (difference of the two accuracies) and says so.
 */
import { clusterInterval, normalQuantile, pairedBootstrap, weightedMean, type ClusterInterval, type PairedDifference, type Weight } from '@arena/shared';
import type { Outcome } from './outcomes.ts';

export type Scoring = 'raw' | 'balanced';

export interface Comparison {
  a: string;
  b: string;
  /** 'balanced': consultancy's accuracy per question is the mean of its honest and dishonest accuracies, so only questions with both count. */
  scoring: Scoring;
  paired: boolean;
  /** Questions in the difference (paired) or 0. */
  questions: number;
  /** Questions judged under both protocols but left out (balanced scoring: consultancy with one assignment only). */
  excluded: number;
  difference: number;
  normal: { low: number; high: number };
  bootstrap: PairedDifference | null;
  cluster: ClusterInterval;
}

const hit = (o: Outcome) => (o.correct ? 1 : 0);

/** One protocol's weighted accuracy on one question's outcomes (balanced: mean of honest and dishonest; NaN if either is missing). */
function score(items: readonly Outcome[], w: Weight<Outcome>, scoring: Scoring): number {
  if (scoring === 'balanced' && items.some((o) => o.honest !== null)) {
    return (weightedMean(items.filter((o) => o.honest === true), w, hit) + weightedMean(items.filter((o) => o.honest === false), w, hit)) / 2;
  }
  return weightedMean(items, w, hit);
}

function byQuestion(items: readonly Outcome[]): Map<string, Outcome[]> {
  const m = new Map<string, Outcome[]>();
  for (const o of items) m.set(o.question, [...(m.get(o.question) ?? []), o]);
  return m;
}

/** a − b over the questions both have (or unpaired when there are none). */
export function compareProtocols(aName: string, a: readonly Outcome[], bName: string, b: readonly Outcome[], scoring: Scoring): Comparison {
  const qa = byQuestion(a);
  const qb = byQuestion(b);
  const one = () => 1;
  const common = [...qa.keys()].filter((q) => qb.has(q)).sort();
  const usable = common.filter((q) => Number.isFinite(score(qa.get(q) as Outcome[], one, scoring)) && Number.isFinite(score(qb.get(q) as Outcome[], one, scoring)));
  const range = { range: [-1, 1] } as const;
  const z = normalQuantile(0.975);
  if (usable.length > 0) {
    const pairs = usable.map((key) => ({ key, a: score(qa.get(key) as Outcome[], one, scoring), b: score(qb.get(key) as Outcome[], one, scoring) }));
    const bootstrap = pairedBootstrap(pairs, { resamples: 10_000 });
    const items = usable.flatMap((q) => [...(qa.get(q) as Outcome[]), ...(qb.get(q) as Outcome[])]);
    // The mean over questions of the per-question difference; a question weighs the mean weight of its verdicts (1 on the data).
    const statistic = (w: Weight<Outcome>) => {
      let s = 0;
      let n = 0;
      for (const q of usable) {
        const own = [...(qa.get(q) as Outcome[]), ...(qb.get(q) as Outcome[])];
        const c = own.reduce((sum, o) => sum + w(o), 0) / own.length;
        if (c === 0) continue;
        const d = score(qa.get(q) as Outcome[], w, scoring) - score(qb.get(q) as Outcome[], w, scoring);
        if (!Number.isFinite(d)) continue;
        s += c * d;
        n += c;
      }
      return n > 0 ? s / n : Number.NaN;
    };
    return {
      a: aName,
      b: bName,
      scoring,
      paired: true,
      questions: usable.length,
      excluded: common.length - usable.length,
      difference: bootstrap.difference,
      normal: bootstrap.normal,
      bootstrap,
      cluster: clusterInterval(items, statistic, range),
    };
  }
  // Unpaired: the difference of the two accuracies, normal (Wald) interval.
  const all = [...a, ...b];
  const stat = (w: Weight<Outcome>) => score(a, w, scoring) - score(b, w, scoring);
  const pa = score(a, one, scoring);
  const pb = score(b, one, scoring);
  const se = Math.sqrt((pa * (1 - pa)) / a.length + (pb * (1 - pb)) / b.length);
  const d = pa - pb;
  return {
    a: aName,
    b: bName,
    scoring,
    paired: false,
    questions: 0,
    excluded: common.length,
    difference: d,
    normal: { low: Math.max(-1, d - z * se), high: Math.min(1, d + z * se) },
    bootstrap: null,
    cluster: clusterInterval(all, stat, range),
  };
}
