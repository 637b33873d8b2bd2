/**
 * The data-generating model behind `arena power`: a judge's verdict on a question under a
 * protocol is correct with probability logistic(β_protocol + u_judge + v_question), with
 * u ~ N(0, judgeSd²) and v ~ N(0, questionSd²) on the logit scale (random effects shared
 * by both protocols). Accuracies are stated as marginal (population-averaged) accuracies,
 * so each β is solved from its protocol's accuracy. Pure and seeded.
 */
import type { Rng } from '@arena/shared';

export const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** A standard normal draw (Box–Muller). */
export function normal(rng: Rng): number {
  let u = rng();
  while (u <= 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** E[logistic(β + s·Z)], Z ~ N(0, 1), by the trapezoid rule on ±8 sd (error far below 1e-6). */
export function marginalAccuracy(beta: number, sd: number): number {
  if (sd === 0) return logistic(beta);
  const h = 0.02;
  let s = 0;
  let w = 0;
  for (let x = -8; x <= 8 + 1e-9; x += h) {
    const phi = Math.exp(-0.5 * x * x);
    s += phi * logistic(beta + sd * x);
    w += phi;
  }
  return s / w;
}

/** The β whose marginal accuracy under random effects of total sd `sd` is `p` (bisection). */
export function interceptFor(p: number, sd: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`an accuracy must lie strictly between 0 and 1, got ${p}`);
  let lo = -30;
  let hi = 30;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (marginalAccuracy(mid, sd) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** One planned judgement: judge index, question index, protocol (0 = a, 1 = b). */
export interface Cell {
  judge: number;
  question: number;
  protocol: 0 | 1;
}

/**
 * A crossed, counterbalanced design: the judges take the questions in turn, judge j the
 * `perJudge` questions j·perJudge, j·perJudge + 1, … (mod items), each once. A question's
 * r-th visit is under protocol a when (r + question) is even and b otherwise, so each
 * question alternates protocols from judge to judge, and each judge (of two questions or
 * more) sees both protocols.
 */
export function crossedDesign(judges: number, items: number, perJudge = items): Cell[] {
  if (!(judges >= 2 && items >= 1 && perJudge >= 1 && perJudge <= items)) throw new Error('need at least 2 judges, 1 item and 1 ≤ per-judge ≤ items');
  const cells: Cell[] = [];
  for (let j = 0; j < judges; j++)
    for (let t = 0; t < perJudge; t++) {
      const k = j * perJudge + t;
      const q = k % items;
      const visit = Math.floor(k / items);
      cells.push({ judge: j, question: q, protocol: (visit + q) % 2 === 0 ? 0 : 1 });
    }
  return cells;
}

export interface Effects {
  /** Intercepts of protocols a and b. */
  beta: [number, number];
  judgeSd: number;
  questionSd: number;
}

/** Simulated verdicts (true = correct) for the cells, one draw of the random effects. */
export function simulate(cells: readonly Cell[], effects: Effects, rng: Rng): boolean[] {
  const judges = new Map<number, number>();
  const questions = new Map<number, number>();
  const effect = (m: Map<number, number>, k: number, sd: number) => {
    let v = m.get(k);
    if (v === undefined) m.set(k, (v = sd * normal(rng)));
    return v;
  };
  return cells.map((c) => {
    const eta = effects.beta[c.protocol] + effect(judges, c.judge, effects.judgeSd) + effect(questions, c.question, effects.questionSd);
    return rng() < logistic(eta);
  });
}
