/**
 * The data dictionary of the tidy exports: every column of judgements.csv and turns.csv
 * with its type and meaning. `arena export csv` writes it beside the data as
 * data-dictionary.csv, so a folder of exports explains itself.
 */
import { stringify } from 'csv-stringify/sync';
import { JUDGEMENT_COLUMNS, TURN_COLUMNS } from './csv.ts';

/** How a column reads in pandas / R: `logical` is TRUE/FALSE, an empty cell is "not applicable". */
export type ColumnType = 'string' | 'integer' | 'number' | 'logical';

export interface ColumnEntry {
  type: ColumnType;
  meaning: string;
}

const S = (meaning: string): ColumnEntry => ({ type: 'string', meaning });
const I = (meaning: string): ColumnEntry => ({ type: 'integer', meaning });
const N = (meaning: string): ColumnEntry => ({ type: 'number', meaning });
const L = (meaning: string): ColumnEntry => ({ type: 'logical', meaning });

/** judgements.csv, one row per final judgement. */
export const JUDGEMENT_DICTIONARY: Record<(typeof JUDGEMENT_COLUMNS)[number], ColumnEntry> = {
  study: S('the study id (empty: not a study)'),
  participant: S('the judge: an agent id, a participant name from imported data, or human:<debate id>'),
  item: S('the debate id'),
  practice: L('a practice item (empty: not a study)'),
  check: L('an attention check (empty: not a study)'),
  condition: S('the protocol family: debate, consultancy, blind or expert'),
  preset: S('the rules preset'),
  scenario_id: S('the scenario'),
  question_key: S('the story and question, normalised (same key = same question)'),
  debaters: S('who argued: human, an agent id, or "x vs y"'),
  answer_order: S("the scenario's answer indices in shown order, space-separated"),
  correct_position: I('1-based position of the correct answer as shown'),
  honest_seat: S('the seat that argued the correct answer (empty if none did)'),
  consultant_honest: L('consultancy: the consultant argued the correct answer (empty otherwise)'),
  first_speaker: S('the seat that speaks first in sequential rounds (empty: blind)'),
  p_correct_prior: N("the judge's p(correct) before any speech (empty without a prior turn)"),
  p_correct_final: N('the final p(correct)'),
  correct: L('strictly the most probability on the correct answer (a tie is FALSE)'),
  continues: I('times the judge asked for more'),
  seconds: N('seconds from the first to the last event (empty without times)'),
  excluded: L('FALSE (reserved for study exclusions)'),
  exclusion_reason: S('empty (reserved for study exclusions)'),
  debate_id: S('the debate id'),
  source: S('where the debate came from: arena (played here), selfplay, an importer'),
  pack: S('the scenario pack'),
  judge_kind: S('human or ai'),
  tie: L('the correct answer tied for the most probability'),
  judge_score: N('log2 p(correct) minus penalty × continues'),
  brier: N('Brier score summed over answers'),
  answers: I('number of answers'),
  in_paper: L("NYU's includedInPaper (empty when the data does not say)"),
  chosen_position: I('open protocols: 1-based position of the answer the protagonist chose (empty: sides drawn by the seed, or the choice timed out)'),
  chose_correct: L('open protocols: the protagonist chose the correct answer (empty otherwise)'),
  rejudge_of: S('a re-judging: the debate_id of the debate it judges again (empty otherwise)'),
};

/** turns.csv, one row per judge turn. */
export const TURN_DICTIONARY: Record<(typeof TURN_COLUMNS)[number], ColumnEntry> = {
  study: JUDGEMENT_DICTIONARY.study,
  participant: JUDGEMENT_DICTIONARY.participant,
  item: JUDGEMENT_DICTIONARY.item,
  condition: JUDGEMENT_DICTIONARY.condition,
  preset: JUDGEMENT_DICTIONARY.preset,
  scenario_id: JUDGEMENT_DICTIONARY.scenario_id,
  question_key: JUDGEMENT_DICTIONARY.question_key,
  debate_id: JUDGEMENT_DICTIONARY.debate_id,
  turn: I('1-based judge turn'),
  p_correct: N('p(correct) stated at this turn'),
  probabilities: S('the probabilities in shown order, space-separated'),
  continues: L('this turn asked for more'),
  seconds: N('seconds since the previous event (empty without times)'),
  final: L("the debate's last judge turn"),
};

/** data-dictionary.csv: file, column, type, meaning. */
export function dictionaryCsv(): string {
  const rows = [
    ...Object.entries(JUDGEMENT_DICTIONARY).map(([c, e]) => ['judgements.csv', c, e.type, e.meaning]),
    ...Object.entries(TURN_DICTIONARY).map(([c, e]) => ['turns.csv', c, e.type, e.meaning]),
  ];
  return stringify(rows, { header: true, columns: ['file', 'column', 'type', 'meaning'], record_delimiter: '\n' });
}
