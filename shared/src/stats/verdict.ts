/**
 * The one rule for ties, used by every report, export and page: a verdict is correct when
 * the judge puts strictly more probability on the correct answer than on any other.
 * A tie for the most probability (e.g. 0.5/0.5) is not correct; reports count ties apart.
 */

export const TIE_RULE = 'A verdict is correct when the correct answer has strictly the most probability; a tie for the most (e.g. 0.5/0.5) counts as not correct.';

/** The answer with strictly the most probability, or null when two or more share the most. */
export function favouredAnswer(probabilities: readonly number[]): number | null {
  let best: number | null = null;
  let top = Number.NEGATIVE_INFINITY;
  probabilities.forEach((p, i) => {
    if (p > top) [best, top] = [i, p];
    else if (p === top) best = null;
  });
  return best;
}

/** Whether the correct answer has strictly the most probability. */
export function judgedCorrect(probabilities: readonly number[], correctIndex: number): boolean {
  return favouredAnswer(probabilities) === correctIndex;
}

/** Whether the correct answer shares the most probability with another answer. */
export function tiedForMost(probabilities: readonly number[], correctIndex: number): boolean {
  const pc = probabilities[correctIndex];
  return pc !== undefined && pc === Math.max(...probabilities) && favouredAnswer(probabilities) === null;
}
