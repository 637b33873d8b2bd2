import { describe, expect, it } from 'vitest';
import { rngFromSeed } from '@arena/shared';
import { SparseJudge, decodeJudge, encodeJudge, loadJudge } from '../../server/src/pixels/judge-model.ts';
import type { JudgeProvenance } from '../../server/src/pixels/judge-model.ts';
import { sampleDigits, splitMnist } from '../../server/src/pixels/mnist-data.ts';
import { initWeights, judgeAccuracy, trainJudge } from '../../server/src/pixels/train.ts';

describe('pixels: the committed sparse judges', () => {
  const { test } = splitMnist();
  // A seeded sample: the test list is ordered by id, i.e. by label.
  const images = sampleDigits(test, 500, 'judge-test');

  it('k = 4 beats chance (10%) by a wide margin on 500 held-out digits', () => {
    const { judge, provenance } = loadJudge(4);
    expect(provenance.k).toBe(4);
    const acc = judgeAccuracy(judge, images, 4, 'test/k4', 1);
    expect(acc.n).toBe(500);
    expect(acc.accuracy).toBeGreaterThan(0.35);
    // The recorded held-out figure is consistent with a fresh measurement.
    expect(Math.abs(acc.accuracy - provenance.heldOut.accuracy)).toBeLessThan(0.08);
  });

  it('k = 6 beats chance by a wider margin', () => {
    const { judge, provenance } = loadJudge(6);
    expect(provenance.k).toBe(6);
    const acc = judgeAccuracy(judge, images, 6, 'test/k6', 1);
    expect(acc.accuracy).toBeGreaterThan(0.45);
  });

  it('logits() returns ten numbers and ignores reveal order', () => {
    const { judge } = loadJudge(4);
    const d = test[0]!;
    const rev = Array.from(d.nonzero.slice(0, 4), (index) => ({ index, value: d.pixels[index]! }));
    const a = judge.logits(rev);
    const b = judge.logits(rev.slice().reverse());
    expect(a.length).toBe(10);
    for (let i = 0; i < 10; i++) expect(a[i]).toBeCloseTo(b[i]!, 4);
    expect(() => judge.logits([{ index: 784, value: 1 }])).toThrow();
  });

  it('stored encoding round-trips within int8 precision', () => {
    const w = initWeights(4, 8, rngFromSeed('enc'));
    const back = decodeJudge(JSON.parse(JSON.stringify(encodeJudge(w, {} as JudgeProvenance))));
    for (let i = 0; i < w.wMask.length; i++) expect(Math.abs(back.wMask[i]! - w.wMask[i]!)).toBeLessThan(0.02);
    expect(Array.from(back.w2)).toEqual(Array.from(w.w2));
  });

  it('training is deterministic under a seed', () => {
    const small = splitMnist().train.slice(0, 300);
    const opts = { k: 4, hidden: 16, steps: 30, batch: 16, lr: 1e-3, seed: 'det', progress: false };
    const a = trainJudge(small, opts).weights;
    const b = trainJudge(small, opts).weights;
    expect(Array.from(a.w2)).toEqual(Array.from(b.w2));
    expect(Array.from(a.wMask.subarray(0, 2000))).toEqual(Array.from(b.wMask.subarray(0, 2000)));
    const c = trainJudge(small, { ...opts, seed: 'other' }).weights;
    expect(Array.from(c.w2)).not.toEqual(Array.from(a.w2));
    expect(new SparseJudge(a).logits([]).length).toBe(10);
  });
});
