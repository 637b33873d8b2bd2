/**
 * `arena power`'s pieces against independent computations: the marginal accuracy of the
 * random-effects model against Monte Carlo integration and the closed form without
 * random effects; the design's counterbalancing; the power of the paired t interval
 * against the noncentral t; its false-positive rate at a true difference of 0; and the
 * pilot estimator recovering known sds.
 */
import { describe, expect, it } from 'vitest';
import { rngFromSeed } from '@arena/shared';
import { crossedDesign, interceptFor, logistic, marginalAccuracy, normal, simulate } from '../../server/src/power/model.ts';
import { estimateVarianceComponents } from '../../server/src/power/pilot.ts';
import { estimatePower, type PowerPlan } from '../../server/src/power/power.ts';
import type { Outcome } from '../../server/src/report/outcomes.ts';

describe('the random-effects model', () => {
  it('solves intercepts whose marginal accuracy matches Monte Carlo integration', () => {
    expect(interceptFor(0.75, 0)).toBeCloseTo(Math.log(3), 9);
    const rng = rngFromSeed('mc');
    for (const [p, sd] of [[0.75, 1], [0.6, 2], [0.9, 0.5]] as const) {
      const beta = interceptFor(p, sd);
      expect(marginalAccuracy(beta, sd)).toBeCloseTo(p, 9);
      let s = 0;
      const n = 200_000;
      for (let i = 0; i < n; i++) s += logistic(beta + sd * normal(rng));
      expect(Math.abs(s / n - p)).toBeLessThan(0.004);
    }
  });

  it('draws standard normals', () => {
    const rng = rngFromSeed('normals');
    const xs = Array.from({ length: 100_000 }, () => normal(rng));
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.02);
  });

  it('counterbalances the design: every judge and every question under both protocols', () => {
    const cells = crossedDesign(6, 4, 2);
    expect(cells).toHaveLength(12);
    for (let j = 0; j < 6; j++) expect(new Set(cells.filter((c) => c.judge === j).map((c) => c.protocol)).size).toBe(2);
    for (let q = 0; q < 4; q++) expect(new Set(cells.filter((c) => c.question === q).map((c) => c.protocol)).size).toBe(2);
    expect(new Set(cells.map((c) => `${c.judge}/${c.question}`)).size).toBe(12);
    // Each question alternates protocols over its visits; the full design is (judge + question) parity.
    expect(cells.filter((c) => c.question === 0).map((c) => c.protocol)).toEqual([0, 1, 0]);
    expect(crossedDesign(3, 5).map((c) => c.protocol)).toEqual(crossedDesign(3, 5).map((c) => ((c.judge + c.question) % 2) as 0 | 1));
    expect(() => crossedDesign(1, 4)).toThrow();
  });
});

describe('power by simulation', () => {
  const plan: PowerPlan = { base: 0.75, diff: 0.1, judges: 40, items: 10, perJudge: 10, judgeSd: 0, questionSd: 0, simulations: 300, seed: 'unit', a: 'debate', b: 'consultancy' };

  it('matches the noncentral t for the paired t interval without random effects', async () => {
    const r = await estimatePower(plan);
    // Each question: 20 verdicts per protocol; the per-question difference's sd σ = √((0.85·0.15 + 0.75·0.25)/20),
    // over 10 questions a t test with 9 degrees of freedom and noncentrality δ = 0.1/(σ/√10) = 2.5198. Power by scipy:
    //   c = t.ppf(0.975, 9); nct.sf(c, 9, δ) + nct.cdf(−c, 9, δ)  →  0.6128366016170922
    const analytic = 0.6128366016170922;
    expect(Math.abs(r.normal.rate - analytic)).toBeLessThan(0.08);
    expect(r.normal.low).toBeLessThanOrEqual(r.normal.rate);
    expect(Math.abs(r.meanEstimate - 0.1)).toBeLessThan(0.01);
    expect(r.judgements).toBe(400);
    // The two-way cluster interval is wider, so it detects less often.
    expect(r.cluster.rate).toBeLessThan(r.normal.rate);
    expect(await estimatePower({ ...plan, simulations: 20 })).toMatchObject({ cluster: (await estimatePower({ ...plan, simulations: 20 })).cluster });
  }, 60_000);

  it('keeps the paired t interval at its level: a true difference of 0 is declared 5% of the time', async () => {
    // Random judge and question effects (sd 0.5 each, logit scale), 10 questions: the z interval rejected 7.7% of 2,000
    // such studies. The default run simulates 400 studies and allows 3 Monte Carlo standard errors; POWER_NULL_STUDIES=4000
    // (about 50 s) checks the rate within 1.5 points of 5% (3 standard errors there are 1.0 point).
    const studies = Number(process.env.POWER_NULL_STUDIES ?? 400);
    const r = await estimatePower({ ...plan, diff: 0, judgeSd: 0.5, questionSd: 0.5, simulations: studies, seed: 'null' });
    const tolerance = Math.max(0.015, 3 * Math.sqrt((0.05 * 0.95) / studies));
    expect(Math.abs(r.normal.rate - 0.05)).toBeLessThanOrEqual(studies >= 2000 ? 0.015 : tolerance);
  }, 300_000);

  it('more judges, more power', async () => {
    const small = await estimatePower({ ...plan, judges: 10, simulations: 150 });
    const large = await estimatePower({ ...plan, judges: 80, simulations: 150 });
    expect(large.normal.rate).toBeGreaterThan(small.normal.rate + 0.2);
  }, 60_000);
});

describe('variance components from pilot data', () => {
  it('recovers known judge and question sds from a simulated pilot', () => {
    const cells = crossedDesign(100, 40, 20);
    const [js, qs] = [1, 0.5];
    const sd = Math.hypot(js, qs);
    const y = simulate(cells, { beta: [interceptFor(0.8, sd), interceptFor(0.7, sd)], judgeSd: js, questionSd: qs }, rngFromSeed('pilot'));
    const outcomes = cells.map((c, i) => ({ judge: `j${c.judge}`, question: `q${c.question}`, preset: c.protocol ? 'b' : 'a', correct: y[i] }) as unknown as Outcome);
    const e = estimateVarianceComponents(outcomes, ['a', 'b'], { replicates: 40 });
    expect(Math.abs(e.judgeSd - js)).toBeLessThan(0.3);
    expect(Math.abs(e.questionSd - qs)).toBeLessThan(0.3);
    expect(e).toMatchObject({ judgements: 2000, judges: 100, questions: 40, atBoundary: false });
    expect(e.accuracy.a).toBeCloseTo(y.filter((v, i) => v && cells[i]!.protocol === 0).length / 1000, 12);
    expect(() => estimateVarianceComponents(outcomes.slice(0, 5), ['a', 'b'])).toThrow(/too little pilot data/);
  }, 60_000);
});
