/**
 * McNemar's exact test for paired binary outcomes (the same items under two conditions):
 * only the discordant pairs carry information; under the null hypothesis each is equally
 * likely to favour either condition, so the count favouring the first is Binomial(b + c, ½).
 */

export interface McNemar {
  /** Items right under the first condition only. */
  b: number;
  /** Items right under the second condition only. */
  c: number;
  /** Exact two-sided p-value: min(1, 2 · P(X ≤ min(b, c))), X ~ Binomial(b + c, ½); 1 when b + c = 0. */
  p: number;
}

/** log(n choose k) by summing logs (exact enough for the counts an experiment has). */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** P(X ≤ k) for X ~ Binomial(n, ½). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let s = 0;
  for (let i = 0; i <= k; i++) s += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, s);
}

/** McNemar's exact test from the two discordant counts. */
export function mcnemarExact(b: number, c: number): McNemar {
  const n = b + c;
  if (n === 0) return { b, c, p: 1 };
  return { b, c, p: Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n)) };
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  let s = 0;
  for (let i = 0; i <= k; i++) s += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, s);
}

/** The p at which a decreasing function of p crosses `target`, by bisection on [0, 1]. */
function solveDecreasing(f: (p: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Clopper–Pearson (exact) interval of a binomial proportion k/n. */
export function clopperPearson(k: number, n: number, level = 0.95): { low: number; high: number } {
  const a = (1 - level) / 2;
  return {
    low: k === 0 ? 0 : solveDecreasing((p) => binomialCdf(k - 1, n, p), 1 - a),
    high: k === n ? 1 : solveDecreasing((p) => binomialCdf(k, n, p), a),
  };
}

/**
 * The exact interval of a paired difference of proportions that goes with McNemar's test:
 * given the b + c discordant pairs, b ~ Binomial(b + c, π) and the difference is
 * (b + c)/pairs · (2π − 1), so the Clopper–Pearson interval of π maps to one for the
 * difference. It excludes 0 exactly when the exact test rejects at the same level.
 */
export function mcnemarInterval(b: number, c: number, pairs: number, level = 0.95): { low: number; high: number } {
  const n = b + c;
  if (n === 0 || pairs === 0) return { low: 0, high: 0 };
  const pi = clopperPearson(b, n, level);
  return { low: (n / pairs) * (2 * pi.low - 1), high: (n / pairs) * (2 * pi.high - 1) };
}
