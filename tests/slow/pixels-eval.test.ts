import { describe, expect, it } from 'vitest';
import { formatPixelsTable, runPixelsEval } from '../../server/src/pixels/eval.ts';

describe('pixels: the experiment table', () => {
  it('reports judge-alone and debate rows with Wilson intervals, deterministically', async () => {
    const opts = { ks: [4], images: 2, rollouts: 8, workers: 1, progress: false, baselineMasks: 2, seed: 'unit' };
    const a = await runPixelsEval(opts);
    expect(a.rows.map((r) => `${r.condition}/${r.order ?? '-'}`)).toEqual([
      'judge alone, random pixels/-',
      'debate, precommit/honest-first',
      'debate, precommit/liar-first',
      'debate, no precommit/honest-first',
      'debate, no precommit/liar-first',
    ]);
    expect(a.rows[0]!.n).toBe(4);
    for (const r of a.rows.slice(1)) {
      expect(r.n).toBe(2);
      expect(r.low).toBeLessThanOrEqual(r.rate);
      expect(r.high).toBeGreaterThanOrEqual(r.rate);
    }
    expect(a.config.imagesUsed).toBe(2);
    expect(a.judgeEvals).toBeGreaterThan(0);
    const table = formatPixelsTable(a);
    // The table says which interval each row has: judge alone over several masks a digit is clustered by digit, the rest Wilson.
    expect(table).toContain('interval cluster-robust by digit');
    expect(table).toContain('the other rows: Wilson');
    expect(table).toContain('debate, no precommit');
    // Same seed, same outcomes (the no-precommit rows, rerun alone).
    const b = await runPixelsEval({ ...opts, precommit: [false] });
    expect(b.rows.map((r) => r.correct)).toEqual(a.rows.filter((r) => r.condition !== 'debate, precommit').map((r) => r.correct));
    expect(JSON.parse(JSON.stringify(a)).rows.length).toBe(5);
  }, 60_000);
});
