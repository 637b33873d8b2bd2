/**
 * The analyses the field reports beside accuracy: the assignment's balance, accuracy
 * against coverage, information gained per debate, effects of the correct answer's
 * position and of speaking order. Pure.
 */
import { clusterInterval, log2Score, mean, normalQuantile, weightedMean, wilson, type ClusterInterval, type Proportion } from '@arena/shared';
import type { Outcome } from './outcomes.ts';

export interface BalanceRow {
  preset: string;
  debates: number;
  questions: number;
  /** Consultancy: honest / dishonest consultants. */
  honest: number;
  dishonest: number;
  /** Debate: the correct answer's debater spoke first / later. */
  correctFirst: number;
  correctLater: number;
  /** Debates with the correct answer shown at each position (1st, 2nd, …). */
  byPosition: number[];
  /** Questions whose debates are balanced (consultancy: as many honest as dishonest; debate: correct first as often as later; blind: true). */
  balancedQuestions: number;
}

/** How the assignment fell, per protocol: the counterbalancing check. */
export function balanceTable(byPreset: ReadonlyMap<string, readonly Outcome[]>): BalanceRow[] {
  return [...byPreset.entries()].map(([preset, items]) => {
    const byPosition: number[] = [];
    for (const o of items) byPosition[o.correctIndex] = (byPosition[o.correctIndex] ?? 0) + 1;
    const questions = new Map<string, Outcome[]>();
    for (const o of items) questions.set(o.question, [...(questions.get(o.question) ?? []), o]);
    let balancedQuestions = 0;
    for (const qs of questions.values()) {
      const h = qs.filter((o) => o.honest === true).length;
      const d = qs.filter((o) => o.honest === false).length;
      const f = qs.filter((o) => o.correctFirst === true).length;
      const l = qs.filter((o) => o.correctFirst === false).length;
      if (h === d && f === l) balancedQuestions++;
    }
    return {
      preset,
      debates: items.length,
      questions: questions.size,
      honest: items.filter((o) => o.honest === true).length,
      dishonest: items.filter((o) => o.honest === false).length,
      correctFirst: items.filter((o) => o.correctFirst === true).length,
      correctLater: items.filter((o) => o.correctFirst === false).length,
      byPosition: Array.from(byPosition, (x) => x ?? 0),
      balancedQuestions,
    };
  });
}

export interface CoveragePoint {
  /** Verdicts kept: those whose most probable answer has at least this probability. */
  threshold: number;
  kept: number;
  coverage: number;
  accuracy: number;
}

export const COVERAGE_THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99];

/** Accuracy against coverage when verdicts less confident than a threshold are dropped. */
export function coverageCurve(items: readonly Outcome[], thresholds: readonly number[] = COVERAGE_THRESHOLDS): CoveragePoint[] {
  return thresholds.map((t) => {
    const kept = items.filter((o) => Math.max(...o.probabilities) >= t - 1e-12);
    return { threshold: t, kept: kept.length, coverage: items.length ? kept.length / items.length : Number.NaN, accuracy: kept.length ? kept.filter((o) => o.correct).length / kept.length : Number.NaN };
  });
}

export interface InformationGain {
  /** Debates with a prior (a judge turn before any speech). */
  n: number;
  /** Mean of log2(p_final(correct) / p_prior(correct)), bits. */
  bits: number;
  cluster: ClusterInterval;
}

const gainOf = (o: Outcome) => Math.log2(o.pCorrect / (o.pCorrectPrior as number));

/** Information gained per debate about the correct answer. */
export function informationGain(items: readonly Outcome[]): InformationGain {
  const withPrior = items.filter((o) => o.pCorrectPrior !== null && o.pCorrectPrior > 0);
  return {
    n: withPrior.length,
    bits: mean(withPrior.map(gainOf)),
    cluster: clusterInterval(withPrior, (w) => weightedMean(withPrior, w, gainOf)),
  };
}

/** The judge's score as Michael et al. (2023): log2 p(correct) − penalty × continues, recomputed with a chosen penalty. */
export function judgeScoreWith(o: Outcome, penalty: number): number {
  return log2Score(o.pCorrect, o.continues, penalty);
}

export interface EffectRow {
  label: string;
  accuracy: Proportion;
}

export interface Effect {
  rows: EffectRow[];
  /** When another effect is the same variable on these data (identical or opposite on every debate), what it is; its rows are these. */
  aliased?: string;
  /** First row minus second (two-level effects only), normal interval and cluster interval. */
  difference: { estimate: number; low: number; high: number; cluster: ClusterInterval } | null;
}

function twoLevel(items: readonly Outcome[], is: (o: Outcome) => boolean | null, labels: [string, string]): Effect {
  const x = items.filter((o) => is(o) === true);
  const y = items.filter((o) => is(o) === false);
  const ax = wilson(x.filter((o) => o.correct).length, x.length);
  const ay = wilson(y.filter((o) => o.correct).length, y.length);
  const rows = [
    { label: labels[0], accuracy: ax },
    { label: labels[1], accuracy: ay },
  ];
  if (!x.length || !y.length) return { rows, difference: null };
  const d = ax.rate - ay.rate;
  const se = Math.sqrt((ax.rate * (1 - ax.rate)) / x.length + (ay.rate * (1 - ay.rate)) / y.length);
  const z = normalQuantile(0.975);
  const both = [...x, ...y];
  const hit = (o: Outcome) => (o.correct ? 1 : 0);
  const cluster = clusterInterval(both, (w) => weightedMean(x, w, hit) - weightedMean(y, w, hit), { range: [-1, 1] });
  return { rows, difference: { estimate: d, low: Math.max(-1, d - z * se), high: Math.min(1, d + z * se), cluster } };
}

/** Debate: accuracy when the correct answer's debater spoke first against when it spoke later. */
export function speakingOrderEffect(items: readonly Outcome[]): Effect {
  return twoLevel(items, (o) => o.correctFirst, ['correct answer spoke first', 'correct answer spoke later']);
}

/** Accuracy by the position at which the correct answer was shown (first vs second for two answers). */
export function positionEffect(items: readonly Outcome[]): Effect {
  const positions = Math.max(0, ...items.map((o) => o.answers));
  if (positions === 2) return twoLevel(items, (o) => o.correctIndex === 0, ['correct answer shown first', 'correct answer shown second']);
  const rows: EffectRow[] = [];
  for (let p = 0; p < positions; p++) {
    const at = items.filter((o) => o.correctIndex === p);
    rows.push({ label: `correct answer shown ${p + 1}.`, accuracy: wilson(at.filter((o) => o.correct).length, at.length) });
  }
  return { rows, difference: null };
}

/** Whether two two-level variables are one on these items: both known on the same items and equal on every one, or opposite on every one. */
export function aliased(items: readonly Outcome[], f: (o: Outcome) => boolean | null, g: (o: Outcome) => boolean | null): boolean {
  const known = items.filter((o) => f(o) !== null || g(o) !== null);
  if (known.length === 0 || known.some((o) => f(o) === null || g(o) === null)) return false;
  return known.every((o) => f(o) === g(o)) || known.every((o) => f(o) !== g(o));
}

/**
 * Position and speaking order of a protocol's debates: both effects, or, when the data make
 * them one variable (the correct answer spoke first exactly when it was shown first, or exactly
 * when it was shown second), the position effect alone with rows that name both and a note.
 */
export function positionAndOrder(items: readonly Outcome[]): { position: Effect; speakingOrder: Effect | null } {
  const position = positionEffect(items);
  if (!items.some((o) => o.correctFirst !== null)) return { position, speakingOrder: null };
  const shownFirst = (o: Outcome) => (o.answers === 2 ? o.correctIndex === 0 : null);
  if (!aliased(items, (o) => o.correctFirst, shownFirst)) return { position, speakingOrder: speakingOrderEffect(items) };
  const same = items.every((o) => o.correctFirst === null || o.correctFirst === shownFirst(o));
  const order = same ? ['spoke first', 'spoke later'] : ['spoke later', 'spoke first'];
  return {
    position: {
      ...position,
      rows: position.rows.map((r, i) => ({ ...r, label: `${r.label} = ${order[i]}` })),
      aliased: `speaking order: in every debate the correct answer ${same ? 'spoke first exactly when it was shown first' : 'spoke first exactly when it was shown second'}, so the two effects are one and cannot be told apart`,
    },
    speakingOrder: null,
  };
}
