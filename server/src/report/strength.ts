/**
 * Debater strength against judge accuracy, after Khan et al. (2024, the headline plot):
 * for each debater rated in debate, the judge's accuracy when that debater debates a
 * copy of itself, and when it is the consultant, each with a 95% Wilson interval, and per
 * protocol the least-squares slope of accuracy on rating. Stronger debaters should make
 * debate's judge more accurate and consultancy's less. Pure.
 */
import { wilson } from '@arena/shared';
import type { Outcome } from './outcomes.ts';
import type { DebaterRatings } from './ratings.ts';

export interface AccuracyAt {
  n: number;
  correct: number;
  rate: number;
  low: number;
  high: number;
}

export interface StrengthPoint {
  /** The judge (an agent id, or "human"). */
  judge: string;
  agent: string;
  /** The debater's rating in debate (Elo, mean of its roles) and its 95% cluster interval; null when not identified. */
  elo: number | null;
  low: number;
  high: number;
  /** The judge's accuracy in debates of the debater against itself, and with it as consultant (n = 0: none). */
  debate: AccuracyAt;
  consultancy: AccuracyAt;
}

export interface StrengthTrend {
  judge: string;
  protocol: 'debate' | 'consultancy';
  /** Debaters with a rating and at least one such debate. */
  points: number;
  /** Least-squares slope of accuracy on rating, per 100 Elo (null with fewer than two points or no spread of ratings). */
  slopePer100: number | null;
}

export interface StrengthVsAccuracy {
  preset: string;
  points: StrengthPoint[];
  trends: StrengthTrend[];
}

function accuracy(items: readonly Outcome[]): AccuracyAt {
  const correct = items.filter((o) => o.correct).length;
  const w = wilson(correct, items.length);
  return { n: items.length, correct, rate: w.rate, low: w.low, high: w.high };
}

/** Least-squares slope of y on x, per 100 of x. */
function slopePer100(xy: readonly [number, number][]): number | null {
  if (xy.length < 2) return null;
  const mx = xy.reduce((s, [x]) => s + x, 0) / xy.length;
  const my = xy.reduce((s, [, y]) => s + y, 0) / xy.length;
  const sxx = xy.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  if (!(sxx > 0)) return null;
  return (100 * xy.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)) / sxx;
}

/**
 * The plot's points: every debater of the debate ratings, per judge that judged its
 * self-play debates or its consultancies (`debates`: the outcomes of the debate preset,
 * `consultancies`: those of the consultancy preset). Null without ratings.
 */
export function strengthVsAccuracy(ratings: DebaterRatings | undefined, debates: readonly Outcome[], consultancies: readonly Outcome[]): StrengthVsAccuracy | null {
  if (!ratings) return null;
  const selfPlay = debates.filter((o) => {
    const ids = Object.values(o.debaterIds);
    return ids.length === 2 && ids[0] === ids[1];
  });
  const consulted = consultancies.filter((o) => Object.values(o.debaterIds).length === 1);
  const judges = [...new Set([...selfPlay, ...consulted].map((o) => o.judgeLabel))].sort();
  const points: StrengthPoint[] = [];
  for (const judge of judges) {
    for (const a of ratings.agents) {
      const debate = accuracy(selfPlay.filter((o) => o.judgeLabel === judge && o.debaterIds.A === a.agent));
      const consultancy = accuracy(consulted.filter((o) => o.judgeLabel === judge && Object.values(o.debaterIds)[0] === a.agent));
      if (debate.n + consultancy.n === 0) continue;
      points.push({ judge, agent: a.agent, elo: a.elo, low: a.low, high: a.high, debate, consultancy });
    }
  }
  if (points.length === 0) return null;
  const trends: StrengthTrend[] = judges.flatMap((judge) =>
    (['debate', 'consultancy'] as const).map((protocol) => {
      const xy = points.filter((p) => p.judge === judge && p.elo !== null && p[protocol].n > 0).map((p): [number, number] => [p.elo as number, p[protocol].rate]);
      return { judge, protocol, points: xy.length, slopePer100: slopePer100(xy) };
    }),
  );
  return { preset: ratings.preset, points, trends };
}
