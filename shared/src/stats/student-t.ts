/**
 * Student's t distribution for integer degrees of freedom, exactly: the two-sided
 * probability A(t | ν) = P(|T| ≤ t) is a finite trigonometric series in θ = atan(t/√ν)
 * (Abramowitz & Stegun 26.7.3–4), and the quantile inverts it by bisection. Small and
 * exact, so the statistics need no distribution library (which the web client would
 * otherwise bundle with the shared code).
 */

/** P(T ≤ t) for Student's t with `df` (a positive integer) degrees of freedom. */
export function tCdf(t: number, df: number): number {
  if (!(Number.isInteger(df) && df >= 1)) throw new Error(`degrees of freedom must be a positive integer, got ${df}`);
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const c2 = Math.cos(theta) ** 2;
  let a: number;
  if (df % 2 === 1) {
    // (2/π)[θ + sin θ cos θ (1 + (2/3)cos²θ + (2·4)/(3·5)cos⁴θ + … up to cos^(ν−3)θ)]
    let term = 1;
    let sum = df > 1 ? 1 : 0;
    for (let k = 3; k <= df - 2; k += 2) sum += (term *= ((k - 1) / k) * c2);
    a = (2 / Math.PI) * (theta + Math.sin(theta) * Math.cos(theta) * sum);
  } else {
    // sin θ (1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … up to cos^(ν−2)θ)
    let term = 1;
    let sum = 1;
    for (let k = 2; k <= df - 2; k += 2) sum += (term *= ((k - 1) / k) * c2);
    a = Math.sin(theta) * sum;
  }
  return t >= 0 ? (1 + a) / 2 : (1 - a) / 2;
}

/** The p-quantile of Student's t with `df` (a positive integer) degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`a quantile needs 0 < p < 1, got ${p}`);
  if (p < 0.5) return -tQuantile(1 - p, df);
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  let lo = 0;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
