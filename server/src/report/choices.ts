/**
 * Open protocols (Kenton et al. 2024): how often the protagonist chose the correct answer,
 * and how the judge did after each kind of choice. A choice that timed out (the drawn
 * answer stood) is counted apart and left out of the rates.
 */
import { wilson, type Proportion } from '@arena/shared';
import type { Outcome } from './outcomes.ts';

export interface ChoiceRow {
  preset: string;
  /** Finished debates under the preset. */
  debates: number;
  /** Choices made (not timed out). */
  chosen: number;
  timedOut: number;
  /** Share of choices that took the correct answer, with its 95% Wilson interval. */
  choseCorrect: Proportion;
  /** Judge accuracy when the protagonist chose the correct answer, and when it did not. */
  accuracyAfterCorrect: Proportion;
  accuracyAfterWrong: Proportion;
}

/** One row per preset whose debaters choose their sides (outcomes with a choice). */
export function choiceTable(byPreset: ReadonlyMap<string, readonly Outcome[]>): ChoiceRow[] {
  const rows: ChoiceRow[] = [];
  for (const [preset, items] of byPreset) {
    const withChoice = items.filter((o) => o.choice !== null);
    if (withChoice.length === 0) continue;
    const made = withChoice.filter((o) => !o.choice?.timedOut);
    const right = made.filter((o) => o.choice?.correct);
    const wrong = made.filter((o) => !o.choice?.correct);
    const hits = (list: readonly Outcome[]) => list.filter((o) => o.correct).length;
    rows.push({
      preset,
      debates: items.length,
      chosen: made.length,
      timedOut: withChoice.length - made.length,
      choseCorrect: wilson(right.length, made.length),
      accuracyAfterCorrect: wilson(hits(right), right.length),
      accuracyAfterWrong: wilson(hits(wrong), wrong.length),
    });
  }
  return rows;
}
