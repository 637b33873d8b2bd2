/**
 * Tidy exports of a selection: judgements.csv (one row per final judgement) and
 * turns.csv (one row per judge turn). RFC 4180 CSV, UTF-8, a header row, TRUE/FALSE for
 * logicals and empty cells for "not applicable", so pandas (`pd.read_csv`) and R
 * (`read.csv`) read them with no options. The columns shared with study exports come
 * first, in the same order; the data dictionary is in the README.
 */
import { stringify } from 'csv-stringify/sync';
import { brierScore } from '@arena/shared';
import type { Outcome } from './outcomes.ts';

export type Cell = string | number | boolean | null;

/** Per-row values that replace shared columns (a study fills study, participant, item, practice…). */
export type RowOverrides = (o: Outcome) => Partial<Record<(typeof SHARED_COLUMNS)[number], Cell>> & Record<string, Cell>;

/** The columns every export shares (a study export has the same ones first). */
export const SHARED_COLUMNS = [
  'study',
  'participant',
  'item',
  'practice',
  'check',
  'condition',
  'preset',
  'scenario_id',
  'question_key',
  'debaters',
  'answer_order',
  'correct_position',
  'honest_seat',
  'consultant_honest',
  'first_speaker',
  'p_correct_prior',
  'p_correct_final',
  'correct',
  'continues',
  'seconds',
  'excluded',
  'exclusion_reason',
] as const;

export const JUDGEMENT_COLUMNS = [...SHARED_COLUMNS, 'debate_id', 'source', 'pack', 'judge_kind', 'tie', 'judge_score', 'brier', 'answers', 'in_paper', 'chosen_position', 'chose_correct', 'rejudge_of'] as const;
export const TURN_COLUMNS = ['study', 'participant', 'item', 'condition', 'preset', 'scenario_id', 'question_key', 'debate_id', 'turn', 'p_correct', 'probabilities', 'continues', 'seconds', 'final'] as const;

const num = (x: number | null): Cell => (x === null || !Number.isFinite(x) ? null : Number(x.toPrecision(12)));
const bool = (x: boolean | null): Cell => (x === null ? null : x ? 'TRUE' : 'FALSE');

function toCsv(columns: readonly string[], rows: Record<string, Cell>[]): string {
  return stringify(
    rows.map((r) => columns.map((c) => r[c] ?? '')),
    { header: true, columns: [...columns], record_delimiter: '\n', cast: { boolean: (v) => (v ? 'TRUE' : 'FALSE') } },
  );
}

function shared(o: Outcome): Record<string, Cell> {
  return {
    study: null,
    participant: o.judge,
    item: o.id,
    practice: null,
    check: null,
    condition: o.protocol,
    preset: o.preset,
    scenario_id: o.scenario,
    question_key: o.question,
    debaters: o.debaters,
    answer_order: o.answerOrder.join(' '),
    correct_position: o.correctIndex + 1,
    honest_seat: o.honestSeat,
    consultant_honest: bool(o.honest),
    first_speaker: o.speakingOrder[0] ?? null,
    p_correct_prior: num(o.pCorrectPrior),
    p_correct_final: num(o.pCorrect),
    correct: bool(o.correct),
    continues: o.continues,
    seconds: num(o.seconds),
    excluded: 'FALSE',
    exclusion_reason: null,
  };
}

function pick(row: Record<string, Cell> | undefined, keys: readonly string[]): Record<string, Cell> {
  return row ? Object.fromEntries(keys.filter((k) => k in row).map((k) => [k, row[k] as Cell])) : {};
}

/** Formats a logical for a CSV cell (TRUE/FALSE; empty for null). */
export const csvBool = bool;

/** One judgements.csv row of a finished debate (logicals as TRUE/FALSE, null where a column does not apply). */
export function judgementRow(o: Outcome): Record<string, Cell> {
  return {
    ...shared(o),
    debate_id: o.id,
    source: o.source,
    pack: o.pack,
    judge_kind: o.judgeKind,
    tie: bool(o.tie),
    judge_score: num(o.judgeScore),
    brier: num(brierScore(o.probabilities, o.correctIndex)),
    answers: o.answers,
    in_paper: bool(o.inPaper),
    // Open protocols: the answer the protagonist chose (empty when the seed drew the sides or the choice timed out).
    chosen_position: o.choice && !o.choice.timedOut ? o.choice.answer + 1 : null,
    chose_correct: o.choice && !o.choice.timedOut ? bool(o.choice.correct) : null,
    rejudge_of: o.rejudgeOf,
  };
}

/** judgements.csv: one row per finished debate's final judgement. */
export function judgementsCsv(outcomes: readonly Outcome[], overrides?: RowOverrides, extraColumns: readonly string[] = []): string {
  return toCsv(
    [...JUDGEMENT_COLUMNS, ...extraColumns],
    outcomes.map((o) => ({ ...judgementRow(o), ...overrides?.(o) })),
  );
}

/** turns.csv: one row per judge turn of every finished debate. */
export function turnsCsv(outcomes: readonly Outcome[], overrides?: RowOverrides): string {
  return toCsv(
    TURN_COLUMNS,
    outcomes.flatMap((o) =>
      o.turns.map((t, i) => ({
        study: null,
        participant: o.judge,
        item: o.id,
        condition: o.protocol,
        preset: o.preset,
        scenario_id: o.scenario,
        question_key: o.question,
        debate_id: o.id,
        turn: t.turn + 1,
        p_correct: num(t.pCorrect),
        probabilities: t.probabilities.join(' '),
        continues: bool(t.continues),
        seconds: num(t.seconds),
        final: bool(i === o.turns.length - 1),
        ...pick(overrides?.(o), ['study', 'participant', 'item', 'condition']),
      })),
    ),
  );
}

/** Any table as CSV in the same dialect (header row, TRUE/FALSE, empty cells for null). */
export const csvOf = toCsv;
