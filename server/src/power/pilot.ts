/**
 * Variance components from pilot data, for `arena power --from-store`: the judge and
 * question standard deviations (logit scale) of the model in model.ts, estimated by the
 * method of simulated moments. The moments are the spread of per-judge and per-question
 * mean residuals (verdict minus its protocol's accuracy); the estimate is the pair of sds
 * whose simulations of the pilot's own design (the same judges, questions and protocols)
 * reproduce them on average. Common random numbers make the objective smooth; a coarse grid
 * is refined once. Pure and seeded.
 */
import { rngFromSeed } from '@arena/shared';
import type { Outcome } from '../report/outcomes.ts';
import { interceptFor, logistic, normal } from './model.ts';

export interface PilotEstimate {
  judgeSd: number;
  questionSd: number;
  /** Accuracy of each protocol in the pilot. */
  accuracy: Record<string, number>;
  judgements: number;
  judges: number;
  questions: number;
  /** The observed moments and those the estimate reproduces. */
  moments: { judge: number; question: number; fittedJudge: number; fittedQuestion: number };
  /** An estimate on the edge of the searched range [0, maxSd]. */
  atBoundary: boolean;
}

interface Design {
  judge: Int32Array;
  question: Int32Array;
  protocol: Int32Array;
  judges: number;
  questions: number;
}

/** Σ_g n_g · (mean residual of g)² / N, for judges and for questions. */
function moments(y: ArrayLike<number>, d: Design, p: readonly number[]): [number, number] {
  const sj = new Float64Array(d.judges);
  const nj = new Float64Array(d.judges);
  const sq = new Float64Array(d.questions);
  const nq = new Float64Array(d.questions);
  for (let i = 0; i < y.length; i++) {
    const r = (y[i] as number) - (p[d.protocol[i] as number] as number);
    const j = d.judge[i] as number;
    const q = d.question[i] as number;
    sj[j] = (sj[j] as number) + r;
    nj[j] = (nj[j] as number) + 1;
    sq[q] = (sq[q] as number) + r;
    nq[q] = (nq[q] as number) + 1;
  }
  let mj = 0;
  let mq = 0;
  for (let j = 0; j < d.judges; j++) if (nj[j]) mj += (sj[j] as number) ** 2 / (nj[j] as number);
  for (let q = 0; q < d.questions; q++) if (nq[q]) mq += (sq[q] as number) ** 2 / (nq[q] as number);
  return [mj / y.length, mq / y.length];
}

/** Estimates the judge and question sds from the outcomes of the given protocols (presets). */
export function estimateVarianceComponents(outcomes: readonly Outcome[], presets: readonly string[], options: { seed?: string; replicates?: number; maxSd?: number } = {}): PilotEstimate {
  const items = outcomes.filter((o) => presets.includes(o.preset));
  if (items.length < 10) throw new Error(`too little pilot data: ${items.length} judgement(s) under ${presets.join(', ')}`);
  const jIndex = new Map<string, number>();
  const qIndex = new Map<string, number>();
  const idx = (m: Map<string, number>, k: string) => m.get(k) ?? (m.set(k, m.size), m.size - 1);
  const d: Design = {
    judge: Int32Array.from(items, (o) => idx(jIndex, o.judge)),
    question: Int32Array.from(items, (o) => idx(qIndex, o.question)),
    protocol: Int32Array.from(items, (o) => presets.indexOf(o.preset)),
    judges: 0,
    questions: 0,
  };
  d.judges = jIndex.size;
  d.questions = qIndex.size;
  const y = Float64Array.from(items, (o) => (o.correct ? 1 : 0));
  const p = presets.map((_, k) => {
    const of = items.filter((o) => o.preset === presets[k]);
    return of.length ? of.filter((o) => o.correct).length / of.length : Number.NaN;
  });
  if (p.some((x) => !(x > 0 && x < 1))) throw new Error(`every protocol needs some right and some wrong verdicts in the pilot (accuracies ${p.join(', ')})`);
  const [obsJ, obsQ] = moments(y, d, p);
  // Common random numbers: the same standard normals and uniforms for every candidate.
  const reps = options.replicates ?? 100;
  const rng = rngFromSeed(options.seed ?? 'pilot-moments');
  const zj = Float64Array.from({ length: reps * d.judges }, () => normal(rng));
  const zq = Float64Array.from({ length: reps * d.questions }, () => normal(rng));
  const u = Float64Array.from({ length: reps * items.length }, () => rng());
  const sim = new Float64Array(items.length);
  const fitted = (sj: number, sq: number): [number, number] => {
    const beta = p.map((x) => interceptFor(x, Math.hypot(sj, sq)));
    let a = 0;
    let b = 0;
    for (let r = 0; r < reps; r++) {
      for (let i = 0; i < items.length; i++) {
        const eta = (beta[d.protocol[i] as number] as number) + sj * (zj[r * d.judges + (d.judge[i] as number)] as number) + sq * (zq[r * d.questions + (d.question[i] as number)] as number);
        sim[i] = (u[r * items.length + i] as number) < logistic(eta) ? 1 : 0;
      }
      // Residuals against the simulated data's own protocol accuracies, as for the pilot.
      const ps = p.map((_, k) => {
        let s = 0;
        let n = 0;
        for (let i = 0; i < items.length; i++) if (d.protocol[i] === k) (s += sim[i] as number), n++;
        return s / n;
      });
      const [mj, mq] = moments(sim, d, ps);
      a += mj;
      b += mq;
    }
    return [a / reps, b / reps];
  };
  const loss = ([mj, mq]: [number, number]) => ((mj - obsJ) / obsJ) ** 2 + ((mq - obsQ) / obsQ) ** 2;
  const maxSd = options.maxSd ?? 3;
  let best = { sj: 0, sq: 0, value: Number.POSITIVE_INFINITY, m: [0, 0] as [number, number] };
  const search = (sjs: number[], sqs: number[]) => {
    for (const sj of sjs)
      for (const sq of sqs) {
        const m = fitted(sj, sq);
        const value = loss(m);
        if (value < best.value) best = { sj, sq, value, m };
      }
  };
  const grid = (from: number, to: number, step: number) => {
    const out: number[] = [];
    for (let x = Math.max(0, from); x <= Math.min(maxSd, to) + 1e-9; x += step) out.push(Number(x.toFixed(6)));
    return out;
  };
  search(grid(0, maxSd, 0.25), grid(0, maxSd, 0.25));
  search(grid(best.sj - 0.25, best.sj + 0.25, 0.05), grid(best.sq - 0.25, best.sq + 0.25, 0.05));
  return {
    judgeSd: best.sj,
    questionSd: best.sq,
    accuracy: Object.fromEntries(presets.map((k, i) => [k, p[i] as number])),
    judgements: items.length,
    judges: d.judges,
    questions: d.questions,
    moments: { judge: obsJ, question: obsQ, fittedJudge: best.m[0], fittedQuestion: best.m[1] },
    atBoundary: best.sj >= maxSd - 1e-9 || best.sq >= maxSd - 1e-9,
  };
}
