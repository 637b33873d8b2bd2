import { describe, expect, it } from 'vitest';
import { IMAGE_PIXELS, loadMnist, sampleDigits, splitMnist } from '../../server/src/pixels/mnist-data.ts';

describe('pixels: MNIST data split', () => {
  it('loads 10,000 digits with pixels in [0, 1] and matching nonzero lists', () => {
    const all = loadMnist();
    expect(all.length).toBe(10000);
    for (const d of all.slice(0, 200)) {
      expect(d.pixels.length).toBe(IMAGE_PIXELS);
      expect(d.label).toBeGreaterThanOrEqual(0);
      expect(d.label).toBeLessThan(10);
      for (const v of d.pixels) expect(v >= 0 && v <= 1).toBe(true);
      expect(d.nonzero.length).toBe(d.pixels.filter((v) => v > 0).length);
    }
  });

  it('splits 8,000 / 2,000 deterministically and disjointly', () => {
    const a = splitMnist();
    const b = splitMnist();
    expect(a.train.length).toBe(8000);
    expect(a.test.length).toBe(2000);
    expect(a.train.map((d) => d.id)).toEqual(b.train.map((d) => d.id));
    expect(a.test.map((d) => d.id)).toEqual(b.test.map((d) => d.id));
    const train = new Set(a.train.map((d) => d.id));
    expect(a.test.some((d) => train.has(d.id))).toBe(false);
    expect(new Set([...train, ...a.test.map((d) => d.id)]).size).toBe(10000);
    // Every class is present in the test set.
    expect(new Set(a.test.map((d) => d.label)).size).toBe(10);
  });

  it('a different seed gives a different split; sampling is seeded', () => {
    const a = splitMnist('other-seed');
    expect(a.test.map((d) => d.id)).not.toEqual(splitMnist().test.map((d) => d.id));
    const s1 = sampleDigits(splitMnist().test, 50, 's').map((d) => d.id);
    const s2 = sampleDigits(splitMnist().test, 50, 's').map((d) => d.id);
    expect(s1).toEqual(s2);
    expect(new Set(s1).size).toBe(50);
  });
});
