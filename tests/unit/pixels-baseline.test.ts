/**
 * The pixel judge-alone accuracy over several random masks per digit: the masks of one digit
 * are not independent trials, so the interval is cluster-robust by digit.
 */
import { describe, expect, it } from 'vitest';
import { wilson } from '@arena/shared';
import { judgeAloneInterval } from '../../server/src/pixels/eval.ts';

describe('judge alone, several masks per digit', () => {
  it('clusters the masks by digit (one-way, t with digits − 1 degrees of freedom)', () => {
    // 10 digits × 5 masks, masks right per digit below. numpy/scipy, the CGM one-way formula:
    //   p = Σc/N; s_d = (c_d − 5p)/N; V = D/(D − 1) · Σ s_d²; p ± t.ppf(0.975, D − 1) · √V
    //   → 0.78, [0.5726698713518137, 0.9873301286481864]
    const perDigit = [5, 4, 5, 3, 5, 2, 4, 5, 1, 5];
    const ci = judgeAloneInterval(perDigit, 5);
    expect(ci.rate).toBeCloseTo(0.78, 12);
    expect(ci.low).toBeCloseTo(0.5726698713518137, 6);
    expect(ci.high).toBeCloseTo(0.9873301286481864, 6);
    // Wider than Wilson's, which counts 50 independent trials.
    const w = wilson(39, 50);
    expect(ci.high - ci.low).toBeGreaterThan(w.high - w.low);
    // One mask a digit: Wilson.
    expect(judgeAloneInterval([1, 0, 1, 1], 1)).toMatchObject({ rate: 0.75, low: wilson(3, 4).low, high: wilson(3, 4).high });
  });
});
