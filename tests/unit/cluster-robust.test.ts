/**
 * The two-way cluster-robust (Cameron–Gelbach–Miller) interval against values computed by
 * hand on tiny crossed designs: an accuracy, and a protocol difference paired over
 * questions as `compareProtocols` computes it. The influences and the three variance
 * terms are worked out in the comments with exact fractions. Student's t against R's
 * qt and pt.
 */
import { describe, expect, it } from 'vitest';
import { clusterInterval, tCdf, tQuantile, twoWayVariance, weightedMean } from '@arena/shared';
import { compareProtocols } from '../../server/src/report/compare.ts';
import type { Outcome } from '../../server/src/report/outcomes.ts';
import { groupStats } from '../../server/src/report/stats.ts';

const verdict = (judge: string, question: string, correct: boolean, preset = 'debate') => ({ id: `${judge}/${question}/${preset}`, judge, question, preset, correct, honest: null }) as unknown as Outcome;
const hit = (o: Outcome) => (o.correct ? 1 : 0);

describe('two-way cluster-robust variance by hand', () => {
  // 3 judges × 3 questions, 7 verdicts, 4 correct: mean 4/7.
  const items = [
    verdict('j1', 'q1', true),
    verdict('j1', 'q2', false),
    verdict('j2', 'q1', true),
    verdict('j2', 'q3', true),
    verdict('j3', 'q2', false),
    verdict('j3', 'q3', true),
    verdict('j3', 'q3', false),
  ];

  it('an accuracy: V_judge + V_question − V_cell with t on min(3, 3) − 1 = 2 degrees of freedom', () => {
    // Influence (y − 4/7)/7: +3/49 for a correct verdict, −4/49 for a wrong one. In units of 1/49:
    // judges j1 3 − 4 = −1, j2 3 + 3 = 6, j3 −4 + 3 − 4 = −5 → Σ² = 62, V_J = 3/2 · 62 / 49²;
    // questions q1 6, q2 −8, q3 2 → Σ² = 104, V_Q = 3/2 · 104 / 49²;
    // cells 3, −4, 3, 3, −4, −1 → Σ² = 60, V_C = 6/5 · 60 / 49².
    const v = (93 + 156 - 72) / 49 ** 2;
    const t2 = 4.302652729749464; // t quantile 0.975 with 2 degrees of freedom
    const ci = clusterInterval(items, (w) => weightedMean(items, w, hit));
    expect(ci.estimate).toBeCloseTo(4 / 7, 12);
    expect(ci.se ** 2).toBeCloseTo(v, 9);
    expect(ci).toMatchObject({ df: 2, judges: 3, questions: 3, level: 0.95 });
    expect(ci.low).toBeCloseTo(4 / 7 - t2 * Math.sqrt(v), 8);
    expect(ci.high).toBeCloseTo(4 / 7 + t2 * Math.sqrt(v), 8);
    // The report's accuracy row uses the same interval, clamped to [0, 1].
    const g = groupStats(items.map((o) => ({ ...o, probabilities: [0.5, 0.5], correctIndex: 0, pCorrect: 0.5, judgeScore: -1 })));
    expect(g.accuracyCluster.se).toBeCloseTo(ci.se, 12);
    expect(g.accuracyCluster.low).toBe(Math.max(0, ci.low));
    expect(g.accuracyCluster.high).toBe(Math.min(1, ci.high));
    // Deterministic.
    expect(clusterInterval(items, (w) => weightedMean(items, w, hit))).toEqual(ci);
  });

  it('a paired difference over questions', () => {
    // q1: j1 a ✓, j2 b ✗, j3 a ✗ → a 1/2, b 0, d = 1/2.
    // q2: j1 b ✓, j2 a ✓, j3 b ✗ → a 1, b 1/2, d = 1/2.
    // q3: j1 a ✗, j2 b ✓        → a 0, b 1,   d = −1.   Mean over questions θ = 0.
    const a = [verdict('j1', 'q1', true, 'a'), verdict('j3', 'q1', false, 'a'), verdict('j2', 'q2', true, 'a'), verdict('j1', 'q3', false, 'a')];
    const b = [verdict('j2', 'q1', false, 'b'), verdict('j1', 'q2', true, 'b'), verdict('j3', 'q2', false, 'b'), verdict('j2', 'q3', true, 'b')];
    // The difference is the WLS slope of y on "protocol a" (weights 1/n of the verdict's protocol on its question);
    // its CGM influence is ±(y − ȳ_side)/(n_protocol,q · Q), ȳ_a = ȳ_b = 1/2 (the mean over questions of each side).
    // In units of 1/12: a: j1q1 1, j3q1 −1, j2q2 2, j1q3 −2; b: j2q1 2, j1q2 −1, j3q2 1, j2q3 −2.
    // judges j1 −2, j2 2, j3 0 → Σ² = 8, V_J = 3/2 · 8 / 144; questions 2, 2, −4 → Σ² = 24, V_Q = 3/2 · 24 / 144;
    // cells (8 single verdicts) Σ² = 20, V_C = 8/7 · 20 / 144. V = (12 + 36 − 160/7) / 144 = 11/63, times the
    // regression's (N − 1)/(N − 2) = 7/6: 11/54. (numpy, the same sandwich by matrix algebra: 0.20370370370370364.)
    const c = compareProtocols('a', a, 'b', b, 'raw');
    expect(c).toMatchObject({ paired: true, questions: 3 });
    expect(c.difference).toBeCloseTo(0, 12);
    expect(c.cluster.se ** 2).toBeCloseTo(11 / 54, 8);
    expect(c.cluster.df).toBe(2);
    // ± t₂ · √(11/54) = ±1.94, clamped to the range a difference of accuracies can take.
    expect(tQuantile(0.975, 2) * Math.sqrt(11 / 54)).toBeGreaterThan(1);
    expect([c.cluster.low, c.cluster.high]).toEqual([-1, 1]);
  });

  it('one judge: one-way over questions; a negative two-way variance falls back to the larger one-way', () => {
    // One judge, 4 questions, y = 1, 1, 0, 0 (one verdict each): influence ±1/8, V_Q = 4/3 · 4/64.
    const one = ['q1', 'q2', 'q3', 'q4'].map((q, i) => verdict('solo', q, i < 2));
    const ci = clusterInterval(one, (w) => weightedMean(one, w, hit));
    expect(ci.df).toBe(3);
    expect(ci.se ** 2).toBeCloseTo((4 / 3) * (4 / 64), 9);
    expect(tQuantile(0.975, 3)).toBeCloseTo(3.182446305284263, 9);
    // Two judges × two questions, one verdict per cell, in the order (j1 q1), (j1 q2), (j2 q1), (j2 q2); V_G = 2 · Σ(D_g − D̄)², V_C = 4/3 · Σ(d − d̄)².
    const square = [
      { judge: 'j1', question: 'q1' },
      { judge: 'j1', question: 'q2' },
      { judge: 'j2', question: 'q1' },
      { judge: 'j2', question: 'q2' },
    ];
    // 1, 1, −1, −1: judges 2, −2 → V_J = 16; questions 0, 0 → V_Q = 0; V_C = 4/3 · 4 → V = 16 − 16/3.
    expect(twoWayVariance(square, [1, 1, -1, -1])).toEqual({ variance: 16 - 16 / 3, df: 1 });
    // 2, 0, −1, 1: judges 2, 0 → V_J = 4; questions 1, 1 → V_Q = 0; cells mean 1/2, Σ(d − d̄)² = 5 → V_C = 20/3; V = −8/3 < 0 → max(V_J, V_Q) = 4.
    expect(twoWayVariance(square, [2, 0, -1, 1])).toEqual({ variance: 4, df: 1 });
  });
});

describe("Student's t", () => {
  it("matches R's qt and pt", () => {
    // qt(0.975, df) for df = 1, 2, 3, 10, 30; pt(-2, 4); qt(0.025, 7).
    const qt: [number, number][] = [[1, 12.7062047361747], [2, 4.30265272974946], [3, 3.18244630528371], [10, 2.22813885198627], [30, 2.04227245630124]];
    for (const [df, q] of qt) expect(tQuantile(0.975, df)).toBeCloseTo(q, 10);
    expect(tCdf(-2, 4)).toBeCloseTo(0.0580582617584078, 12);
    expect(tCdf(0, 5)).toBe(0.5);
    expect(tQuantile(0.025, 7)).toBeCloseTo(-2.36462425159278, 10);
    // Many degrees of freedom: the Cornish–Fisher expansion z + (z³ + z)/(4ν) + (5z⁵ + 16z³ + 3z)/(96ν²) + O(ν⁻³).
    const z = 1.959963984540054;
    const nu = 20_000;
    expect(tQuantile(0.975, nu)).toBeCloseTo(z + (z ** 3 + z) / (4 * nu) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * nu ** 2), 11);
    expect(() => tQuantile(0.975, 2.5)).toThrow(/integer/);
  });
});
