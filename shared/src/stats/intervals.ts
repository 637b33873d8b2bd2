/** Accuracy with confidence intervals, and calibration. */

export interface Proportion {
  successes: number;
  n: number;
  /** successes / n, or NaN when n = 0. */
  rate: number;
  low: number;
  high: number;
}

/** Wilson score interval for a binomial proportion (95% by default). */
export function wilson(successes: number, n: number, z = 1.959964): Proportion {
  if (n === 0) return { successes, n, rate: Number.NaN, low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { successes, n, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface CalibrationBin {
  low: number;
  high: number;
  n: number;
  /** Mean stated probability in the bin. */
  meanProbability: number;
  /** Fraction of those statements that were true. */
  frequency: number;
}

/** Decimals a stated probability is binned at: 1 − 0.8 stored as 0.19999999999999998 is the 0.2 a judge stated. */
const STATED_DECIMALS = 1e6;

/** The bin of a stated probability: p rounded to 6 decimals, in integer arithmetic so no bin edge is missed by a float's last digit. */
export function binOf(p: number, bins: number): number {
  const q = Math.round(p * STATED_DECIMALS);
  return Math.min(bins - 1, Math.max(0, Math.floor((q * bins) / STATED_DECIMALS)));
}

/**
 * Calibration of probability statements (p, outcome) in equal-width bins (each p as stated,
 * to 6 decimals; 1 in the top bin), and the expected calibration error: the n-weighted
 * mean |frequency − mean probability|.
 */
export function calibration(points: readonly { p: number; outcome: boolean }[], bins = 10): { bins: CalibrationBin[]; ece: number } {
  const acc = Array.from({ length: bins }, (_, i) => ({ low: i / bins, high: (i + 1) / bins, n: 0, sumP: 0, hits: 0 }));
  for (const { p, outcome } of points) {
    const b = acc[binOf(p, bins)] as (typeof acc)[number];
    b.n++;
    b.sumP += p;
    if (outcome) b.hits++;
  }
  const total = points.length;
  let ece = 0;
  const out = acc.map((b) => {
    const meanProbability = b.n ? b.sumP / b.n : Number.NaN;
    const frequency = b.n ? b.hits / b.n : Number.NaN;
    if (b.n) ece += (b.n / total) * Math.abs(frequency - meanProbability);
    return { low: b.low, high: b.high, n: b.n, meanProbability, frequency };
  });
  return { bins: out, ece: total ? ece : Number.NaN };
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}
