/** Proper scoring rules for a judge's probability on the correct answer. */

export const PROBABILITY_MIN = 0.01;
export const PROBABILITY_MAX = 0.99;
const SUM_TOLERANCE = 1e-6;

/** log2 score with a linear penalty per continued turn (Michael et al. 2023). */
export function log2Score(pCorrect: number, continues = 0, penalty = 0): number {
  return Math.log2(pCorrect) - penalty * continues;
}

/** Brier score over all answers (lower is better). */
export function brierScore(probabilities: readonly number[], correctIndex: number): number {
  return probabilities.reduce((sum, p, i) => sum + (p - (i === correctIndex ? 1 : 0)) ** 2, 0);
}


/** Why a probability vector is not acceptable, or null when it is. */
export function probabilityProblem(probabilities: readonly number[], answers: number): string | null {
  if (probabilities.length !== answers) return `give one probability for each of the ${answers} answers`;
  for (const p of probabilities) {
    if (!Number.isFinite(p) || p < PROBABILITY_MIN - 1e-9 || p > PROBABILITY_MAX + 1e-9) {
      return `each probability must be between ${PROBABILITY_MIN} and ${PROBABILITY_MAX}`;
    }
  }
  const sum = probabilities.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > SUM_TOLERANCE) return `probabilities must sum to 1 (they sum to ${sum.toFixed(4)})`;
  return null;
}

/** Uniform probabilities over n answers. */
export function uniform(n: number): number[] {
  return Array.from({ length: n }, () => 1 / n);
}
