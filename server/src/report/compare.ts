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

/** The rooms a comparison pairs within: who debated ('all': every kind pooled) and whether only the rooms the original analysis included. */
export interface Rooms {
  debaters: 'human' | 'ai' | 'mixed' | 'all';
  inPaper: boolean;
  /** In words, e.g. "human debaters, rooms in the paper". */
  label: string;
}

/** Whether an outcome belongs to the rooms (a protocol without debaters, such as blind, belongs to every kind). */
export function inRooms(o: Outcome, r: Rooms): boolean {
  const kind = o.debaterKind ?? null;
  return (r.debaters === 'all' || kind === null || kind === r.debaters) && (!r.inPaper || o.inPaper === true);
}

const EVERY_ROOM: Rooms = { debaters: 'all', inPaper: false, label: 'every room of the selection' };

const KIND_LABEL = { all: 'human and AI debaters pooled', human: 'human debaters', ai: 'AI debaters', mixed: 'human against AI debaters' } as const;

/**
 * The settings to pair within: each kind of debater present, with the rooms of the original
 * analysis apart when the selection has both those and others; when it mixes kinds, also
 * every kind pooled (first). A selection of one setting gives one.
 */
export function settingsOf(outcomes: readonly Outcome[]): Rooms[] {
  const kinds = (['human', 'ai', 'mixed'] as const).filter((k) => outcomes.some((o) => o.debaterKind === k));
  const split = outcomes.some((o) => o.inPaper === true) && outcomes.some((o) => o.inPaper !== true);
  const of = (debaters: Rooms['debaters']): Rooms[] => {
    const all = { debaters, inPaper: false, label: KIND_LABEL[debaters] + (split ? ', every room' : '') };
    const paper = { debaters, inPaper: true, label: `${KIND_LABEL[debaters]}, rooms in the paper` };
    return split && outcomes.some((o) => o.inPaper === true && inRooms(o, paper)) ? [all, paper] : [all];
  };
  if (kinds.length === 0) return [EVERY_ROOM];
  return [...(kinds.length > 1 ? of('all') : []), ...kinds.flatMap(of)];
}

export interface Comparison {
  a: string;
  b: string;
  /** The rooms both sides are drawn from. */
  rooms: Rooms;
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

/** a − b over the questions both have (or unpaired when there are none), `a` and `b` drawn from `rooms`. */
export function compareProtocols(aName: string, a: readonly Outcome[], bName: string, b: readonly Outcome[], scoring: Scoring, rooms: Rooms = EVERY_ROOM): Comparison {
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
    // The mean over questions of the per-question difference is the weighted least-squares slope of a verdict's
    // correctness on "protocol a" when each verdict weighs its share of its side's per-question score (1/n of its
    // protocol's verdicts on the question; balanced consultancy 1/(2n) of its honesty's): the difference of the two
    // sides' weighted accuracies. Its derivative in a verdict's weight is that regression's score, so the interval is
    // the standard CGM one on it (with the regression's (N − 1)/(N − 2) small-sample factor).
    const shares = new Map<Outcome, number>();
    for (const q of usable) {
      for (const own of [qa.get(q) as Outcome[], qb.get(q) as Outcome[]]) {
        const split = scoring === 'balanced' && own.some((o) => o.honest !== null);
        for (const o of own) shares.set(o, 1 / (split ? own.filter((p) => p.honest === o.honest).length * 2 : own.length));
      }
    }
    const side = (q: ReadonlyMap<string, Outcome[]>) => usable.flatMap((k) => q.get(k) as Outcome[]);
    const [sa, sb] = [side(qa), side(qb)];
    const weighted = (list: readonly Outcome[], w: Weight<Outcome>) => weightedMean(list, (o) => w(o) * (shares.get(o) as number), hit);
    const statistic = (w: Weight<Outcome>) => weighted(sa, w) - weighted(sb, w);
    return {
      a: aName,
      b: bName,
      rooms,
      scoring,
      paired: true,
      questions: usable.length,
      excluded: common.length - usable.length,
      difference: bootstrap.difference,
      normal: bootstrap.normal,
      bootstrap,
      cluster: clusterInterval(items, statistic, { ...range, parameters: 2 }),
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
    rooms,
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
