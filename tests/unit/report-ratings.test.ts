/**
 * Debater ratings against independent computations: the Bradley–Terry fit against the
 * closed form for two players and against gradient ascent on the (penalised) log
 * likelihood; the role-split ratings, win rates averaged over both assignments and the
 * honest share by hand on a small fixture of debates; the ratings' cluster-robust intervals
 * against the fit's sandwich influences.
 */
import { describe, expect, it } from 'vitest';
import { ELO_PER_LOG, fitBradleyTerry, type BtGame } from '@arena/shared';
import type { Outcome } from '../../server/src/report/outcomes.ts';
import { debaterRatings, matchesOf } from '../../server/src/report/ratings.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Second implementation: gradient ascent on Σ w[s log σ(λa−λb) + (1−s) log σ(λb−λa)] + prior · Σ_i ½[log σ(λi) + log σ(−λi)]. */
function ascent(players: string[], games: BtGame[], prior: number): Map<string, number> {
  const lambda = new Map(players.map((p) => [p, 0]));
  for (let it = 0; it < 40_000; it++) {
    const grad = new Map(players.map((p) => [p, 0]));
    for (const g of games) {
      const p = sigmoid(lambda.get(g.a)! - lambda.get(g.b)!);
      const w = g.weight ?? 1;
      grad.set(g.a, grad.get(g.a)! + w * (g.score - p));
      grad.set(g.b, grad.get(g.b)! - w * (g.score - p));
    }
    for (const p of players) grad.set(p, grad.get(p)! + prior * (0.5 - sigmoid(lambda.get(p)!)));
    for (const p of players) lambda.set(p, lambda.get(p)! + 0.05 * grad.get(p)!);
    if (prior === 0) {
      const m = [...lambda.values()].reduce((s, x) => s + x, 0) / players.length;
      for (const p of players) lambda.set(p, lambda.get(p)! - m);
    }
  }
  const m = [...lambda.values()].reduce((s, x) => s + x, 0) / players.length;
  return new Map(players.map((p) => [p, lambda.get(p)! - m]));
}

/** The uncentred mode (prior 1) by gradient ascent and the penalised log likelihood's Hessian there. */
function penalisedMode(roles: string[], games: BtGame[]): { lambda: Map<string, number>; H: number[][] } {
  // ascent() returns λ centred; the prior acts on the uncentred λ, whose shift c solves Σ σ(λ_r + c) = n/2 (its gradient's sum).
  const centred = ascent(roles, games, 1);
  let [lo, hi] = [-5, 5];
  for (let k = 0; k < 200; k++) {
    const c = (lo + hi) / 2;
    if (roles.reduce((sum, r) => sum + sigmoid(centred.get(r)! + c), 0) < roles.length / 2) lo = c;
    else hi = c;
  }
  const lambda = new Map(roles.map((r) => [r, centred.get(r)! + lo]));
  const at = (r: string) => roles.indexOf(r);
  const H = roles.map((r) => roles.map((c) => (r === c ? -sigmoid(lambda.get(r)!) * (1 - sigmoid(lambda.get(r)!)) : 0)));
  for (const g of games) {
    const p = sigmoid(lambda.get(g.a)! - lambda.get(g.b)!);
    const v = p * (1 - p);
    H[at(g.a)]![at(g.a)]! -= v;
    H[at(g.b)]![at(g.b)]! -= v;
    H[at(g.a)]![at(g.b)]! += v;
    H[at(g.b)]![at(g.a)]! += v;
  }
  return { lambda, H };
}

/** Solves A x = b by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const m = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    const p = m.reduce((best, row, r) => (r >= c && Math.abs(row[c]!) > Math.abs(m[best]![c]!) ? r : best), c);
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

describe('the Bradley–Terry fit', () => {
  it('two players: the log-odds are the log of the win ratio', () => {
    const games: BtGame[] = [1, 1, 1, 0].map((score) => ({ a: 'a', b: 'b', score }));
    const fit = fitBradleyTerry(['a', 'b'], games, { prior: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.strength.get('a')! - fit.strength.get('b')!).toBeCloseTo(Math.log(3), 9);
    expect(ELO_PER_LOG * Math.log(3)).toBeCloseTo(400 * Math.log10(3), 9);
  });

  it('matches gradient ascent on the log likelihood, with ties, weights and the prior', () => {
    const games: BtGame[] = [
      { a: 'x', b: 'y', score: 1 }, { a: 'x', b: 'y', score: 0 }, { a: 'x', b: 'y', score: 1, weight: 2 },
      { a: 'y', b: 'z', score: 1 }, { a: 'y', b: 'z', score: 0.5 }, { a: 'z', b: 'x', score: 1 },
      { a: 'z', b: 'x', score: 0 }, { a: 'w', b: 'x', score: 0 }, { a: 'w', b: 'z', score: 0 },
    ];
    const players = ['w', 'x', 'y', 'z'];
    for (const prior of [1, 3]) {
      const mm = fitBradleyTerry(players, games, { prior });
      const ga = ascent(players, games, prior);
      for (const p of players) expect(mm.strength.get(p)!).toBeCloseTo(ga.get(p)!, 6);
    }
    // w never won: the plain MLE runs off to −∞; the prior keeps it finite and lowest.
    const withPrior = fitBradleyTerry(players, games);
    expect(Math.min(...withPrior.strength.values())).toBe(withPrior.strength.get('w'));
    const noW = games.filter((g) => g.a !== 'w');
    const mle = fitBradleyTerry(['x', 'y', 'z'], noW, { prior: 0 });
    const ga0 = ascent(['x', 'y', 'z'], noW, 0);
    for (const p of ['x', 'y', 'z']) expect(mle.strength.get(p)!).toBeCloseTo(ga0.get(p)!, 6);
  });
});

/** A two-debater debate: `honest` argued the correct answer (position 0), `liar` the other; the judge's probabilities. */
function debate(i: number, honest: string, liar: string, p: [number, number], judge = `j${i % 3}`): Outcome {
  const honestSeat = i % 2 === 0 ? 'A' : 'B';
  const liarSeat = honestSeat === 'A' ? 'B' : 'A';
  return {
    id: `d${String(i).padStart(3, '0')}`, source: 'selfplay', pack: 'p', scenario: `q${i % 4}`, question: `q${i % 4}`, preset: 'debate', protocol: 'debate', judge, judgeKind: 'ai', judgeLabel: judge,
    debaters: `${honest} vs ${liar}`, debaterKind: 'ai', debaterIds: { [honestSeat]: honest, [liarSeat]: liar }, seatAnswers: { [honestSeat]: 0, [liarSeat]: 1 },
    correct: p[0] > p[1], tie: p[0] === p[1], pCorrect: p[0], pCorrectPrior: null, probabilities: p, correctIndex: 0, answers: 2, honest: null, honestSeat,
    correctFirst: null, speakingOrder: [honestSeat, liarSeat], answerOrder: [0, 1], judgeScore: 0, continues: 0, inPaper: null, rejudgeOf: null, turns: [], seconds: null, choice: null,
  } as Outcome;
}

describe('debater ratings', () => {
  // X honest beats Y 3 of 4; Y honest beats X 1 of 2 plus a tie; X and Y against themselves.
  const fixture = [
    debate(0, 'X', 'Y', [0.8, 0.2]), debate(1, 'X', 'Y', [0.7, 0.3]), debate(2, 'X', 'Y', [0.6, 0.4]), debate(3, 'X', 'Y', [0.3, 0.7]),
    debate(4, 'Y', 'X', [0.9, 0.1]), debate(5, 'Y', 'X', [0.2, 0.8]), debate(6, 'Y', 'X', [0.5, 0.5]),
    debate(7, 'X', 'X', [0.6, 0.4]), debate(8, 'Y', 'Y', [0.4, 0.6]), debate(9, 'Y', 'Y', [0.7, 0.3]),
  ];

  it('scores each debate for the honest debater by the two argued answers', () => {
    expect(matchesOf(fixture).map((m) => m.score)).toEqual([1, 1, 1, 0, 1, 0, 0.5, 1, 0, 1]);
  });

  it('fits one rating per role, averages them, and computes win rates over both assignments by hand', () => {
    const r = debaterRatings('debate', fixture)!;
    expect(r).toMatchObject({ debates: 10, crossPlay: 7, selfPlay: 3 });
    expect(r.honestWins.estimate).toBeCloseTo(6.5 / 10, 12);
    // Role ratings against the second implementation on the same games.
    const games: BtGame[] = matchesOf(fixture).map((m) => ({ a: `${m.honest}+`, b: `${m.dishonest}-`, score: m.score }));
    const ga = ascent(['X+', 'X-', 'Y+', 'Y-'], games, 1);
    const x = r.agents.find((a) => a.agent === 'X')!;
    const y = r.agents.find((a) => a.agent === 'Y')!;
    expect(x.eloHonest!).toBeCloseTo(1500 + ELO_PER_LOG * ga.get('X+')!, 3);
    expect(x.eloDishonest!).toBeCloseTo(1500 + ELO_PER_LOG * ga.get('X-')!, 3);
    expect(y.eloHonest!).toBeCloseTo(1500 + ELO_PER_LOG * ga.get('Y+')!, 3);
    expect(x.elo!).toBeCloseTo((x.eloHonest! + x.eloDishonest!) / 2, 9);
    expect((x.elo! + y.elo!) / 2).toBeCloseTo(1500, 9);
    // X as honest vs Y: 3/4; X as dishonest vs Y: (0 + 1 + 0.5)/3; averaged.
    expect(x.asHonest).toEqual({ games: 4, rate: 0.75 });
    expect(x.asDishonest.rate).toBeCloseTo(1.5 / 3, 12);
    expect(x.winRate!).toBeCloseTo((0.75 + 0.5) / 2, 12);
    expect(y.winRate!).toBeCloseTo((1.5 / 3 + 0.25) / 2, 12);
    expect(r.pairs).toHaveLength(1);
    expect(r.pairs[0]!.winRate!).toBeCloseTo(x.winRate!, 12);
    expect(x.low).toBeLessThanOrEqual(x.elo!);
    expect(x.high).toBeGreaterThanOrEqual(x.elo!);
    expect(debaterRatings('debate', fixture)).toEqual(r);
  });

  it('marks a debater that only met itself as not identified: no level, no interval, only its honest − dishonest gap', () => {
    // Z only ever debates Z: honest Z wins 2 of 3. Its roles form a group of their own, apart from X and Y's.
    const withZ = [...fixture, debate(10, 'Z', 'Z', [0.8, 0.2]), debate(11, 'Z', 'Z', [0.7, 0.3]), debate(12, 'Z', 'Z', [0.1, 0.9])];
    const r = debaterRatings('debate', withZ)!;
    const z = r.agents.find((a) => a.agent === 'Z')!;
    expect(z).toMatchObject({ identified: false, elo: null, eloHonest: null, eloDishonest: null });
    expect(z.low).toBeNaN();
    expect(z.high).toBeNaN();
    // Its gap, by scipy on Z's own penalised likelihood (the prior: one virtual tie per role against strength 0):
    //   minimize(lambda v: -(Σ s·logσ(h−d) + (1−s)·logσ(d−h) + ½Σ_{x∈h,d}(logσ(x) + logσ(−x))), [0, 0], method='BFGS')
    //   with s = [1, 1, 0] → h − d = 0.5859126, × 400 / ln 10 = 101.78344481261861
    expect(z.gap!).toBeCloseTo(101.78344481261861, 3);
    // X and Y keep their levels, anchored on their own group (mean role rating 1500), as without Z.
    const x = r.agents.find((a) => a.agent === 'X')!;
    const y = r.agents.find((a) => a.agent === 'Y')!;
    expect(x.identified && y.identified).toBe(true);
    const without = debaterRatings('debate', fixture)!.agents.find((a) => a.agent === 'X')!;
    expect(x.elo!).toBeCloseTo(without.elo!, 6);
    expect((x.eloHonest! + x.eloDishonest! + y.eloHonest! + y.eloDishonest!) / 4).toBeCloseTo(1500, 9);
    // Two debaters only ever against each other: their roles form two groups {X honest, Y dishonest} and
    // {Y honest, X dishonest}, yet each mean rating takes one role from each, so it is fixed by the data.
    const cross = debaterRatings('debate', fixture.slice(0, 7))!;
    expect(cross.agents.map((a) => a.identified)).toEqual([true, true]);
  });

  it("gives each rating a two-way cluster-robust interval from the fit's sandwich influences", () => {
    // Independent: λ by gradient ascent; each debate's influence dλ/dw_i = −H⁻¹ g_i (g_i its score, H the penalised
    // log likelihood's Hessian), centred like the ratings; then CGM over judges (i mod 3) and questions (i mod 4).
    const matches = matchesOf(fixture);
    const roles = ['X\u0000dishonest', 'X\u0000honest', 'Y\u0000dishonest', 'Y\u0000honest'];
    const games: BtGame[] = matches.map((m) => ({ a: `${m.honest}\u0000honest`, b: `${m.dishonest}\u0000dishonest`, score: m.score }));
    const { lambda, H } = penalisedMode(roles, games);
    const at = (r: string) => roles.indexOf(r);
    const influence = games.map((g) => {
      const score = roles.map(() => 0);
      const r = g.score - sigmoid(lambda.get(g.a)! - lambda.get(g.b)!);
      score[at(g.a)] = r;
      score[at(g.b)] = -r;
      const d = solve(H, score).map((x) => -x);
      const mean = d.reduce((s, x) => s + x, 0) / d.length;
      // X's aggregate: the mean of its two centred role ratings, in Elo.
      return (ELO_PER_LOG * (d[at('X\u0000honest')]! + d[at('X\u0000dishonest')]!)) / 2 - ELO_PER_LOG * mean;
    });
    const cgm = (key: (i: number) => string) => {
      const sums = new Map<string, number>();
      influence.forEach((d, i) => sums.set(key(i), (sums.get(key(i)) ?? 0) + d));
      const g = sums.size;
      const m = [...sums.values()].reduce((s, x) => s + x, 0) / g;
      return (g / (g - 1)) * [...sums.values()].reduce((s, x) => s + (x - m) ** 2, 0);
    };
    const v = cgm((i) => `j${i % 3}`) + cgm((i) => `q${i % 4}`) - cgm((i) => `j${i % 3}/q${i % 4}`);
    const x = debaterRatings('debate', fixture)!.agents.find((a) => a.agent === 'X')!;
    const t2 = 4.302652729749464; // 0.975 quantile of t with min(3 judges, 4 questions) − 1 = 2 degrees of freedom
    expect(v).toBeGreaterThan(0);
    expect((x.high - x.low) / 2).toBeCloseTo(t2 * Math.sqrt(v), 4);
    expect((x.high + x.low) / 2).toBeCloseTo(x.elo!, 6);
  });

  it('never gives a rating an interval narrower than the model-based one: one debater winning every debate', () => {
    // X wins all six, as honest and as dishonest: the cluster-robust variance collapses (every debate looks alike),
    // the model-based one (inverse Hessian of the penalised likelihood, here computed independently) does not.
    const sweep = [
      debate(0, 'X', 'Y', [0.8, 0.2]), debate(1, 'X', 'Y', [0.7, 0.3]), debate(2, 'X', 'Y', [0.9, 0.1]),
      debate(3, 'Y', 'X', [0.2, 0.8]), debate(4, 'Y', 'X', [0.3, 0.7]), debate(5, 'Y', 'X', [0.1, 0.9]),
    ];
    const roles = ['X\u0000dishonest', 'X\u0000honest', 'Y\u0000dishonest', 'Y\u0000honest'];
    const games: BtGame[] = matchesOf(sweep).map((m) => ({ a: `${m.honest}\u0000honest`, b: `${m.dishonest}\u0000dishonest`, score: m.score }));
    const { H } = penalisedMode(roles, games);
    // X's rating is the mean of its two roles minus the mean of all four (the anchor): the contrast c.
    const c = roles.map((r) => (r.startsWith('X') ? 0.5 : 0) - 0.25);
    const x = solve(H.map((row) => row.map((v) => -v)), c);
    const se = ELO_PER_LOG * Math.sqrt(c.reduce((sum, ci, i) => sum + ci * x[i]!, 0));
    const X = debaterRatings('debate', sweep)!.agents.find((a) => a.agent === 'X')!;
    expect(X.elo!).toBeGreaterThan(1500);
    expect(X.high - X.elo!).toBeCloseTo(1.959963984540054 * se, 3);
    expect(X.elo! - X.low).toBeCloseTo(1.959963984540054 * se, 3);
    expect(X.high - X.low).toBeGreaterThan(200);
  });

  it('gives no ratings when no two different debaters met', () => {
    expect(debaterRatings('debate', fixture.slice(7))).toBeNull();
  });
});
