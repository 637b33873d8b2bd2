/**
 * Power by simulation: draw many datasets of a planned design from the random-effects
 * model, analyse each one the way `arena report` does (the a − b difference paired over
 * the questions judged under both, with its two-way judge × question cluster-robust
 * interval and its paired t interval), and count how often the 95% interval excludes zero. The
 * share is the power, with a Wilson interval for the Monte Carlo error.
 */
import { rngFromSeed, wilson, type Proportion } from '@arena/shared';
import { compareProtocols } from '../report/compare.ts';
import type { Outcome } from '../report/outcomes.ts';
import { crossedDesign, interceptFor, simulate, type Cell } from './model.ts';

export interface PowerPlan {
  /** Marginal accuracy of protocol b (the baseline). */
  base: number;
  /** Accuracy of a minus that of b. */
  diff: number;
  judges: number;
  items: number;
  /** Questions each judge judges (default: all items). */
  perJudge: number;
  judgeSd: number;
  questionSd: number;
  simulations: number;
  seed: string;
  a: string;
  b: string;
}

export interface PowerResult {
  plan: PowerPlan;
  /** Judgements per simulated dataset. */
  judgements: number;
  /** Logit-scale intercepts solved from the marginal accuracies. */
  beta: [number, number];
  /** Share of datasets whose 95% two-way cluster interval excludes 0 (the report's interval), with a 95% Wilson interval. */
  cluster: Proportion;
  /** The same with the paired t interval over questions (t with questions − 1 degrees of freedom; ignores judge clustering). */
  normal: Proportion;
  /** Mean estimated difference over the simulations (should be close to diff). */
  meanEstimate: number;
  /** Mean width of the 95% cluster interval. */
  meanClusterWidth: number;
  seconds: number;
}

/** The minimal outcome the comparison reads, for a simulated verdict. */
function simulatedOutcome(i: number, cell: Cell, correct: boolean, names: [string, string]): Outcome {
  const preset = names[cell.protocol];
  return { id: `sim${i}`, judge: `j${cell.judge}`, question: `q${cell.question}`, preset, protocol: 'debate', correct, honest: null } as Outcome;
}

/** Estimates power by simulation; `onProgress(done, total)` after each dataset. */
export async function estimatePower(plan: PowerPlan, onProgress: (done: number, total: number) => void = () => {}): Promise<PowerResult> {
  const t0 = performance.now();
  const pa = plan.base + plan.diff;
  if (!(pa > 0 && pa < 1)) throw new Error(`base + diff must lie strictly between 0 and 1, got ${pa}`);
  const sd = Math.hypot(plan.judgeSd, plan.questionSd);
  const beta: [number, number] = [interceptFor(pa, sd), interceptFor(plan.base, sd)];
  const cells = crossedDesign(plan.judges, plan.items, plan.perJudge);
  const rng = rngFromSeed(`${plan.seed}/data`);
  let clusterHits = 0;
  let normalHits = 0;
  let sumEstimate = 0;
  let sumWidth = 0;
  let counted = 0;
  for (let s = 0; s < plan.simulations; s++) {
    const verdicts = simulate(cells, { beta, judgeSd: plan.judgeSd, questionSd: plan.questionSd }, rng);
    const outcomes = cells.map((c, i) => simulatedOutcome(i, c, verdicts[i] as boolean, [plan.a, plan.b]));
    const c = compareProtocols(
      plan.a,
      outcomes.filter((o) => o.preset === plan.a),
      plan.b,
      outcomes.filter((o) => o.preset === plan.b),
      'raw',
    );
    if (c.cluster.low > 0 || c.cluster.high < 0) clusterHits++;
    if (c.normal.low > 0 || c.normal.high < 0) normalHits++;
    if (Number.isFinite(c.difference)) {
      sumEstimate += c.difference;
      sumWidth += c.cluster.high - c.cluster.low;
      counted++;
    }
    onProgress(s + 1, plan.simulations);
    // Let a progress bar draw.
    if (s % 16 === 15) await new Promise((r) => setImmediate(r));
  }
  return {
    plan,
    judgements: cells.length,
    beta,
    cluster: wilson(clusterHits, plan.simulations),
    normal: wilson(normalHits, plan.simulations),
    meanEstimate: counted ? sumEstimate / counted : Number.NaN,
    meanClusterWidth: counted ? sumWidth / counted : Number.NaN,
    seconds: (performance.now() - t0) / 1000,
  };
}
