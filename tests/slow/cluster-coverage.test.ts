/**
 * Coverage of the report's two-way cluster-robust intervals, by simulation from `arena
 * power`'s random-effects model with judge and question effects on: how often the 95%
 * interval of the debate − consultancy difference paired over questions contains a true
 * difference of zero, and how often the accuracy's interval contains the true (marginal)
 * accuracy. Both should be close to 95%; the independent judge × question bootstrap this
 * interval replaced covered a zero difference in every dataset (too wide). 300 datasets
 * here (Monte Carlo sd ≈ 1.3 points); `CLUSTER_COVERAGE_DATASETS=2000` for a larger run.
 */
import { describe, expect, it } from 'vitest';
import { rngFromSeed, wilson } from '@arena/shared';
import { crossedDesign, interceptFor, simulate } from '../../server/src/power/model.ts';
import { compareProtocols } from '../../server/src/report/compare.ts';
import type { Outcome } from '../../server/src/report/outcomes.ts';
import { groupStats } from '../../server/src/report/stats.ts';

const DATASETS = Number(process.env.CLUSTER_COVERAGE_DATASETS ?? 300);

/** The minimal outcome the report's statistics read, for a simulated verdict. */
const outcome = (i: number, judge: number, question: number, preset: string, correct: boolean) =>
  ({ id: `sim${i}`, judge: `j${judge}`, question: `q${question}`, preset, protocol: 'debate', correct, honest: null, probabilities: [0.5, 0.5], correctIndex: 0, pCorrect: 0.5, judgeScore: -1 }) as unknown as Outcome;

describe('coverage of the two-way cluster-robust intervals', () => {
  it(`covers a true zero difference and a true accuracy about 95% of the time (${DATASETS} datasets, 20 judges × 20 questions, sds 0.5)`, () => {
    const base = 0.75;
    const sd = { judgeSd: 0.5, questionSd: 0.5 };
    const beta = interceptFor(base, Math.hypot(sd.judgeSd, sd.questionSd));
    const cells = crossedDesign(20, 20, 10);
    const rng = rngFromSeed('cluster-coverage');
    let differenceCovered = 0;
    let accuracyCovered = 0;
    let normalCovered = 0;
    for (let s = 0; s < DATASETS; s++) {
      const verdicts = simulate(cells, { beta: [beta, beta], ...sd }, rng);
      const outcomes = cells.map((c, i) => outcome(i, c.judge, c.question, c.protocol === 0 ? 'debate' : 'consultancy', verdicts[i] as boolean));
      const c = compareProtocols('debate', outcomes.filter((o) => o.preset === 'debate'), 'consultancy', outcomes.filter((o) => o.preset === 'consultancy'), 'raw');
      if (c.cluster.low <= 0 && c.cluster.high >= 0) differenceCovered++;
      if (c.normal.low <= 0 && c.normal.high >= 0) normalCovered++;
      const g = groupStats(outcomes);
      if (g.accuracyCluster.low <= base && g.accuracyCluster.high >= base) accuracyCovered++;
    }
    const difference = wilson(differenceCovered, DATASETS);
    const accuracy = wilson(accuracyCovered, DATASETS);
    console.log(`coverage over ${DATASETS} datasets: difference ${difference.rate.toFixed(3)} [${difference.low.toFixed(3)}, ${difference.high.toFixed(3)}], accuracy ${accuracy.rate.toFixed(3)} [${accuracy.low.toFixed(3)}, ${accuracy.high.toFixed(3)}], paired t ${(normalCovered / DATASETS).toFixed(3)}`);
    for (const rate of [difference.rate, accuracy.rate]) {
      expect(rate).toBeGreaterThanOrEqual(0.9);
      expect(rate).toBeLessThanOrEqual(0.99);
    }
  }, 120_000);
});
