/**
 * The pixel experiment's move orders compared on the same images: McNemar's exact test
 * against binomial sums computed from Pascal's triangle, the 2 × 2 counts and the paired
 * difference by hand, the bootstrap against a second implementation of its draw order,
 * and the experiment's per-image outcomes agreeing with its accuracy rows.
 */
import { describe, expect, it } from 'vitest';
import { mcnemarExact, mcnemarInterval, rngFromSeed } from '@arena/shared';
import { runPixelsEval } from '../../server/src/pixels/eval.ts';
import { compareOrders, type ImageOutcome } from '../../server/src/pixels/order-pairs.ts';

/** Two-sided exact p from Pascal's triangle: 2 · Σ_{i ≤ min} C(n, i) / 2^n. */
function pascalP(b: number, c: number): number {
  const n = b + c;
  let row = [1];
  for (let i = 0; i < n; i++) row = [1, ...row.slice(1).map((x, j) => x + (row[j] as number)), 1];
  const tail = row.slice(0, Math.min(b, c) + 1).reduce((s, x) => s + x, 0);
  return n === 0 ? 1 : Math.min(1, (2 * tail) / 2 ** n);
}

describe("McNemar's exact test", () => {
  it('matches binomial sums by hand', () => {
    expect(mcnemarExact(1, 6).p).toBeCloseTo(16 / 128, 14);
    expect(mcnemarExact(0, 10).p).toBeCloseTo(2 / 1024, 14);
    expect(mcnemarExact(5, 5).p).toBe(1);
    expect(mcnemarExact(0, 0).p).toBe(1);
    for (const [b, c] of [[3, 12], [12, 3], [20, 9], [0, 1], [17, 40], [2, 30]] as const) expect(mcnemarExact(b, c).p).toBeCloseTo(pascalP(b, c), 12);
  });
});

describe('move orders on the same images', () => {
  const im = (digitId: number, honestFirst: boolean, liarFirst: boolean, k = 4): ImageOutcome => ({ k, precommit: true, digitId, honestFirst, liarFirst });
  const images = [im(1, true, true), im(2, true, false), im(3, true, false), im(4, false, false), im(5, true, false), im(6, false, true), im(7, true, true), im(8, true, false)];

  it('counts the 2 × 2 table, the paired difference and McNemar by hand', () => {
    const [c] = compareOrders([...images, { k: 6, precommit: true, digitId: 9, honestFirst: true, liarFirst: null }], 'fixture');
    expect(c).toMatchObject({ k: 4, precommit: true, images: 8, both: 2, honestFirstOnly: 4, liarFirstOnly: 1, neither: 1 });
    expect(c!.difference).toBeCloseTo((4 - 1) / 8, 14);
    expect(c!.mcnemarP).toBeCloseTo(pascalP(4, 1), 14);
    // Second implementation of the bootstrap: sorted keys, n draws of floor(rng·n), 10,000 resamples.
    const diffs = [...images].sort((a, b) => a.digitId - b.digitId).map((i) => Number(i.honestFirst) - Number(i.liarFirst));
    const rng = rngFromSeed('fixture/k4/pre');
    const means: number[] = [];
    for (let r = 0; r < 10_000; r++) {
      let s = 0;
      for (let i = 0; i < diffs.length; i++) s += diffs[Math.floor(rng() * diffs.length)]!;
      means.push(s / diffs.length);
    }
    means.sort((a, b) => a - b);
    const q = (p: number) => {
      const pos = (means.length - 1) * p;
      return means[Math.floor(pos)]! + (means[Math.ceil(pos)]! - means[Math.floor(pos)]!) * (pos - Math.floor(pos));
    };
    expect(c!.bootstrap.low).toBeCloseTo(q(0.025), 12);
    expect(c!.bootstrap.high).toBeCloseTo(q(0.975), 12);
    // 5 discordant images (fewer than 25): the reported interval is the exact one that goes with McNemar's test,
    // Clopper–Pearson for π = 4/5 mapped to 5/8 · (2π − 1). scipy: beta.ppf(0.025, 4, 2) = 0.2835820638819105,
    // beta.ppf(0.975, 5, 1) = 0.9949492366205319 → [−0.2705224201476119, 0.618686545775665].
    expect(c!.interval).toBe('exact');
    expect(c!.low).toBeCloseTo(-0.2705224201476119, 8);
    expect(c!.high).toBeCloseTo(0.618686545775665, 8);
  });

  it('the experiment keeps per-image outcomes for both orders that add up to its rows', async () => {
    const r = await runPixelsEval({ ks: [4], images: 3, rollouts: 4, workers: 1, progress: false, baselineMasks: 1, seed: 'orders' });
    expect(r.images).toHaveLength(6);
    expect(r.orders).toHaveLength(2);
    for (const o of r.orders) {
      const row = (order: string) => r.rows.find((x) => x.k === o.k && x.order === order && x.condition === (o.precommit ? 'debate, precommit' : 'debate, no precommit'))!;
      expect(o.images).toBe(3);
      expect(o.both + o.honestFirstOnly).toBe(row('honest-first').correct);
      expect(o.both + o.liarFirstOnly).toBe(row('liar-first').correct);
      expect(o.difference).toBeCloseTo(row('honest-first').rate - row('liar-first').rate, 12);
    }
  }, 60_000);
});

describe('the exact interval of a paired difference', () => {
  it('includes 0 whenever McNemar does not reject: 4 discordant images all one way, p = 0.125', () => {
    expect(mcnemarExact(4, 0).p).toBeCloseTo(0.125, 14);
    // scipy: beta.ppf(0.025, 4, 1) = 0.3976353643835253 (= 0.025^(1/4)); over 100 images 0.04 · (2π − 1).
    const i = mcnemarInterval(4, 0, 100);
    expect(i.low).toBeCloseTo(-0.008189170849317974, 10);
    expect(i.high).toBeCloseTo(0.04, 12);
    expect(compareOrders([1, 2, 3, 4].map((d) => ({ k: 4, precommit: true, digitId: d, honestFirst: true, liarFirst: false })), 'x')[0]!.low).toBeLessThan(0);
  });
});
