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
