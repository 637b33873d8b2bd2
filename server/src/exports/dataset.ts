/**
 * A study's data as a dataset folder: debates.parquet (one row per debate),
 * turns.parquet (one row per seated turn: speeches, choices, judgements, cross-examination
 * questions and answers) and
 * judgements.parquet (one row per final judgement, the columns of judgements.csv), and
 * a dataset card (README.md with the YAML header dataset hubs read: configs, features,
 * splits; the licence left for the researcher to fill in).
 */
import { familyOf, type TranscriptRecord } from '@arena/shared';
import { JUDGEMENT_COLUMNS, judgementRow } from '../report/csv.ts';
import { JUDGEMENT_DICTIONARY, type ColumnType } from '../report/dictionary.ts';
import { outcomeOf, sourceOf } from '../report/outcomes.ts';
import { replyText } from './chat.ts';
import { forkParentOf } from './forks.ts';
import { HUB_DTYPE, type ColumnKind, type ColumnSpec, type TableRow } from './parquet.ts';
import { debateTurns } from './seat-turns.ts';
import { seatAgent, turnMetadata } from './sft.ts';

const col = (name: string, kind: ColumnKind, meaning: string): ColumnSpec => ({ name, kind, meaning });

export const DEBATE_COLUMNS: readonly ColumnSpec[] = [
  col('debate_id', 'string', 'the debate id'),
  col('source', 'string', 'where the debate came from: arena (played here), selfplay, an importer, rejudge'),
  col('provenance', 'string', 'how it was created: lobby, researcher, selfplay, study, … (unknown for older debates)'),
  col('pack', 'string', 'the scenario pack'),
  col('scenario_id', 'string', 'the scenario'),
  col('title', 'string', "the scenario's title"),
  col('question', 'string', 'the question'),
  col('answers', 'string', 'the answers in the order shown, as a JSON array'),
  col('correct_position', 'int32', '1-based position of the correct answer as shown'),
  col('preset', 'string', 'the rules preset'),
  col('protocol', 'string', "the preset's family: debate, consultancy, blind or expert"),
  col('status', 'string', 'finished, ended (no verdict), running or waiting'),
  col('seed', 'string', 'the seed the assignment was drawn from'),
  col('created_at', 'timestamp', 'when the debate was created (UTC)'),
  col('judge', 'string', "the judge's agent id, or human"),
  col('debaters', 'string', 'who argued: human, an agent id, or "x vs y" (empty: no debaters)'),
  col('seats', 'string', 'every seat and who played it, as JSON ({"A": {"kind": "agent", "agent": …}, …})'),
  col('answer_order', 'string', "the scenario's answer indices in shown order, space-separated"),
  col('speaking_order', 'string', 'the debaters in speaking order, space-separated'),
  col('events', 'int32', 'events in the transcript'),
  col('p_correct_final', 'double', "the judge's final probability of the correct answer (empty: no verdict)"),
  col('correct', 'bool', 'strictly the most final probability on the correct answer (empty: no verdict)'),
  col('fork_parent', 'string', 'a fork: the debate it branched from (empty otherwise)'),
  col('fork_event', 'int32', 'a fork: 0-based index of the first event that differs from the parent (empty otherwise)'),
];

export const TURN_COLUMNS: readonly ColumnSpec[] = [
  col('debate_id', 'string', 'the debate id'),
  col('event', 'int32', '0-based index of the event in the transcript'),
  col('at', 'timestamp', 'when the event was stored (UTC; empty for imported data without times)'),
  col('seat', 'string', 'A, B, … or judge'),
  col('role', 'string', 'debater or judge'),
  col('agent', 'string', "the seat's agent id, or human"),
  col('action', 'string', 'speech, choose (an open protocol’s choice), judge, or question or answer (a cross-examination’s; an answer is prompted from the view as it was when the cross-examination opened)'),
  col('answer', 'string', 'the answer the seat argued, 1-based as shown (empty for a judge, or before an open protocol’s choice)'),
  col('honest', 'bool', 'a debater argued the correct answer (empty for a judge)'),
  col('won', 'bool', "a debater's answer got strictly the most final probability; a judge's verdict was correct (empty: no verdict)"),
  col('text', 'string', 'the speech, question or answer (quotes in <quote> tags), or the reply as JSON for a choice or judgement, as the chat exports write it'),
  col('probabilities', 'string', 'a judgement: the probabilities in shown order, space-separated'),
  col('end', 'bool', 'a judgement: it ended the debate'),
  col('comment', 'string', "a judgement: the judge's comment"),
  col('meta', 'string', "the event's measurements as JSON (agent, tokens, latency, best-of-N drafts and scores, …)"),
];

const KIND_OF: Record<ColumnType, ColumnKind> = { string: 'string', integer: 'int32', number: 'double', logical: 'bool' };

export const JUDGEMENT_TABLE_COLUMNS: readonly ColumnSpec[] = JUDGEMENT_COLUMNS.map((name) => col(name, KIND_OF[JUDGEMENT_DICTIONARY[name].type], JUDGEMENT_DICTIONARY[name].meaning));

const time = (ms: number): Date | null => (ms > 0 ? new Date(ms) : null);

export function debateRow(r: TranscriptRecord): TableRow {
  const { header } = r;
  const a = header.assignment;
  const debaterSeats = Object.keys(a.debaters).sort();
  const fork = forkParentOf(r);
  const verdict = r.status === 'finished' ? r.verdict : null;
  return {
    debate_id: header.id,
    source: sourceOf(r),
    provenance: header.provenance ?? 'unknown',
    pack: header.scenario.pack ?? null,
    scenario_id: header.scenario.id,
    title: header.scenario.title,
    question: header.scenario.question,
    answers: JSON.stringify(a.answerOrder.map((i) => header.scenario.answers[i])),
    correct_position: a.correctIndex + 1,
    preset: header.rules.preset,
    protocol: familyOf(header.rules),
    status: r.status,
    seed: header.seed,
    created_at: time(header.createdAt),
    judge: header.seats.judge ? seatAgent(r, 'judge') : null,
    debaters: [...new Set(debaterSeats.map((s) => seatAgent(r, s)))].join(' vs '),
    seats: JSON.stringify(header.seats),
    answer_order: a.answerOrder.join(' '),
    speaking_order: a.speakingOrder.join(' '),
    events: r.events.length,
    p_correct_final: verdict ? (verdict.probabilities[a.correctIndex] ?? null) : null,
    correct: verdict ? verdict.correct : null,
    fork_parent: fork?.debateId ?? null,
    fork_event: fork?.eventIndex ?? null,
  };
}

export function turnRows(r: TranscriptRecord): TableRow[] {
  const { turns, sides } = debateTurns(r);
  return turns.map((t) => {
    const m = turnMetadata(r, t, sides);
    const action = t.event.action;
    return {
      debate_id: r.header.id,
      event: t.index,
      at: time(t.event.at),
      seat: t.seat,
      role: m.role,
      agent: m.agent,
      action: m.action,
      answer: m.answer,
      honest: m.honest,
      won: m.won,
      text: replyText(action, t.segments),
      probabilities: action.type === 'judge' ? action.probabilities.join(' ') : null,
      end: action.type === 'judge' ? action.end : null,
      comment: action.type === 'judge' ? (action.comment ?? '') : null,
      meta: t.event.meta ? JSON.stringify(t.event.meta) : null,
    };
  });
}

/** The judgements.csv row of a finished debate with typed cells (null: not finished). */
export function judgementTableRow(r: TranscriptRecord): TableRow | null {
  const o = outcomeOf(r);
  if (!o) return null;
  const row = judgementRow(o);
  const out: TableRow = {};
  for (const c of JUDGEMENT_TABLE_COLUMNS) {
    const v = row[c.name] ?? null;
    out[c.name] = v === null || v === '' ? null : c.kind === 'bool' ? v === 'TRUE' || v === true : v;
  }
  return out;
}

export interface DatasetCounts {
  debates: number;
  turns: number;
  judgements: number;
}

const TABLES = [
  { name: 'debates', columns: DEBATE_COLUMNS, about: 'one row per debate' },
  { name: 'turns', columns: TURN_COLUMNS, about: "one row per seated turn: every speech, open-protocol choice, judgement and cross-examination question and answer, with who took it and what it said (a fork's from its fork_event on: the turns before it are its parent's rows)" },
  { name: 'judgements', columns: JUDGEMENT_TABLE_COLUMNS, about: "one row per finished debate's final judgement (the columns of `arena export csv`'s judgements.csv)" },
] as const;

const yamlString = (s: string): string => JSON.stringify(s);

/** The dataset card: README.md with the YAML header dataset hubs read, and the columns explained. */
export function datasetCard(counts: DatasetCounts, about: { title: string; selection: string; exportedAt: string }): string {
  const y: string[] = ['---', `pretty_name: ${yamlString(about.title)}`, '# The licence of your data, e.g. cc-by-4.0: this export does not choose one for you.', 'license: ', 'task_categories:', '- text-classification', 'tags:', '- debate', '- scalable-oversight', 'configs:'];
  for (const t of TABLES) y.push(`- config_name: ${t.name}`, '  data_files:', '  - split: train', `    path: ${t.name}.parquet`);
  y.push('dataset_info:');
  for (const t of TABLES) {
    y.push(`- config_name: ${t.name}`, '  features:');
    for (const c of t.columns) y.push(`  - name: ${c.name}`, `    dtype: ${HUB_DTYPE[c.kind]}`);
    y.push('  splits:', '  - name: train', `    num_examples: ${counts[t.name]}`);
  }
  y.push('---', '');
  const body: string[] = [
    `# ${about.title}`,
    '',
    `Debates exported by Oversight Arena (\`arena export dataset\`) on ${about.exportedAt}: ${about.selection}.`,
    'Each file is one configuration with a single `train` split.',
    '',
  ];
  for (const t of TABLES) {
    body.push(`## ${t.name}.parquet`, '', `${counts[t.name]} rows, ${t.about}.`, '', '| column | type | meaning |', '|---|---|---|');
    for (const c of t.columns) body.push(`| ${c.name} | ${HUB_DTYPE[c.kind]} | ${c.meaning.replace(/\|/g, '\\|')} |`);
    body.push('');
  }
  body.push('## Licence', '', 'Not set by the export: fill in the `license` field above before publishing.', '');
  return y.join('\n') + '\n' + body.join('\n');
}
