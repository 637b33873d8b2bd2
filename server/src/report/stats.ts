/**
 * Statistics of a group of outcomes: accuracy (Wilson and two-way cluster-robust),
 * consultancy balanced over honest and dishonest assignments, judge score, Brier,
 * calibration (one ECE definition), ties. Pure.
 */
import {
  brierScore,
  calibration,
  clusterInterval,
  mean,
  weightedMean,
  wilson,
  type CalibrationBin,
  type ClusterInterval,
  type Proportion,
  type Weight,
} from '@arena/shared';
import type { Outcome } from './outcomes.ts';

export interface Rate {
  rate: number;
  low: number;
  high: number;
}

export interface GroupStats {
  n: number;
  /** Share of verdicts with strictly the most probability on the correct answer, 95% Wilson interval. */
  accuracy: Proportion;
  /** The same accuracy's 95% two-way (judge × question) cluster-robust interval. */
  accuracyCluster: ClusterInterval;
  /** Consultancy: mean of the honest and dishonest accuracies (Agresti–Caffo and cluster intervals); null otherwise. */
  balanced: (Rate & { honest: Proportion; dishonest: Proportion; cluster: ClusterInterval }) | null;
  /** Verdicts where the correct answer tied for the most probability (counted as not correct). */
  ties: number;
  judges: number;
  questions: number;
  /** Mean judge score: log2 p(correct) − penalty × continues. */
  meanJudgeScore: number;
  meanPCorrect: number;
  /** Brier score summed over answers, mean over verdicts. */
  brier: number;
  /** Expected calibration error over every stated final probability (each answer's p against whether it is correct), 10 equal bins. */
  ece: number;
  bins: CalibrationBin[];
}

/**
 * Mean of two independent proportions with an Agresti–Caffo interval: the variance is
 * taken at the proportions with one success and one failure added to each group, so the
 * interval keeps a sensible width when a group is all right or all wrong.
 */
export function balancedRate(honest: Proportion, dishonest: Proportion): Rate {
  const rate = (honest.rate + dishonest.rate) / 2;
  if (!honest.n || !dishonest.n) return { rate: Number.NaN, low: Number.NaN, high: Number.NaN };
  const adj = (p: Proportion) => (p.successes + 1) / (p.n + 2);
  const v = (p: Proportion) => (adj(p) * (1 - adj(p))) / (p.n + 2);
  const centre = (adj(honest) + adj(dishonest)) / 2;
  const half = 1.959964 * Math.sqrt((v(honest) + v(dishonest)) / 4);
  return { rate, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

const hit = (o: Outcome) => (o.correct ? 1 : 0);
/** Accuracies' intervals stay within [0, 1]. */
const UNIT = { range: [0, 1] } as const;

/** Weighted balanced accuracy: the mean of the honest and dishonest weighted accuracies. */
export function balancedStatistic(items: readonly Outcome[], w: Weight<Outcome>): number {
  const h = weightedMean(items.filter((o) => o.honest === true), w, hit);
  const d = weightedMean(items.filter((o) => o.honest === false), w, hit);
  return (h + d) / 2;
}

/** Calibration points: every final probability against whether its answer is the correct one. */
export function calibrationPoints(items: readonly Outcome[]): { p: number; outcome: boolean }[] {
  return items.flatMap((o) => o.probabilities.map((p, i) => ({ p, outcome: i === o.correctIndex })));
}

export function groupStats(items: readonly Outcome[]): GroupStats {
  const hits = items.filter((o) => o.correct).length;
  let balanced: GroupStats['balanced'] = null;
  if (items.some((o) => o.honest !== null)) {
    const h = items.filter((o) => o.honest === true);
    const d = items.filter((o) => o.honest === false);
    const honest = wilson(h.filter((o) => o.correct).length, h.length);
    const dishonest = wilson(d.filter((o) => o.correct).length, d.length);
    const consult = items.filter((o) => o.honest !== null);
    balanced = { ...balancedRate(honest, dishonest), honest, dishonest, cluster: clusterInterval(consult, (w) => balancedStatistic(consult, w), UNIT) };
  }
  const cal = calibration(calibrationPoints(items));
  return {
    n: items.length,
    accuracy: wilson(hits, items.length),
    accuracyCluster: clusterInterval(items, (w) => weightedMean(items, w, hit), UNIT),
    balanced,
    ties: items.filter((o) => o.tie).length,
    judges: new Set(items.map((o) => o.judge)).size,
    questions: new Set(items.map((o) => o.question)).size,
    meanJudgeScore: mean(items.map((o) => o.judgeScore)),
    meanPCorrect: mean(items.map((o) => o.pCorrect)),
    brier: mean(items.map((o) => brierScore(o.probabilities, o.correctIndex))),
    ece: cal.ece,
    bins: cal.bins,
  };
}
