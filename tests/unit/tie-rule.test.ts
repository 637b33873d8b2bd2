import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { favouredAnswer, judgedCorrect, tiedForMost } from '@arena/shared';

const probabilities = fc.array(fc.constantFrom(0, 0.1, 0.25, 0.3, 0.5, 0.7, 1), { minLength: 2, maxLength: 4 });

describe('the tie rule, one function in stats/verdict.ts', () => {
  it('a verdict is correct exactly when the correct answer has strictly the most probability; a shared top is a tie', () => {
    fc.assert(
      fc.property(probabilities, fc.nat(3), (p, i) => {
        const c = i % p.length;
        const pc = p[c]!;
        expect(judgedCorrect(p, c)).toBe(p.every((q, j) => j === c || q < pc));
        expect(tiedForMost(p, c)).toBe(p.every((q) => q <= pc) && p.some((q, j) => j !== c && q === pc));
        const f = favouredAnswer(p);
        expect(f === null ? p.filter((q) => q === Math.max(...p)).length > 1 : p.every((q, j) => j === f || q < p[f]!)).toBe(true);
      }),
    );
  });

  it('examples', () => {
    expect(judgedCorrect([0.5, 0.5], 0)).toBe(false);
    expect(tiedForMost([0.5, 0.5], 0)).toBe(true);
    expect(favouredAnswer([0.3, 0.3, 0.4])).toBe(2);
    expect(favouredAnswer([0.4, 0.4, 0.2])).toBeNull();
    expect(judgedCorrect([0.2, 0.8], 5)).toBe(false);
  });
});
