/**
 * A study's downloads, each built from its stored tables and debates: the judgements,
 * turns and transcripts (exports.ts), the frozen spec, and the panel's files (bonuses
 * due, approvals, the ledger of bonuses paid), the only ones with panel ids.
 */
import { csvOf } from '../report/csv.ts';
import type { Store } from '../store/store.ts';
import { approvalRows, bonusesDue, bonusRows } from './bonuses.ts';
import { studyData, studyJudgementsCsv, studySpecJson, studyTranscriptsJsonl, studyTurnsCsv } from './exports.ts';
import type { StudyRow, StudyStore } from './study-store.ts';
import type { ExportFile } from './study-types.ts';

export const STUDY_EXPORTS = ['judgements.csv', 'turns.csv', 'transcripts.jsonl', 'spec.json', 'bonuses.csv', 'approvals.csv', 'ledger.csv'] as const;
export type StudyExport = (typeof STUDY_EXPORTS)[number];

export const isStudyExport = (file: string): file is StudyExport => (STUDY_EXPORTS as readonly string[]).includes(file);

/** One download of study `row`. */
export async function studyExport(store: Store, db: StudyStore, row: StudyRow, file: StudyExport): Promise<ExportFile> {
  const participants = await db.participants(row.id);
  let body: string;
  if (file === 'spec.json') body = studySpecJson(row);
  else if (file === 'approvals.csv') body = csvOf(['participant_id', 'session_id', 'pseudonym', 'outcome', 'decision', 'flags'], approvalRows(participants, await db.panelIds(row.id)));
  else if (file === 'ledger.csv') {
    const panel = await db.panelIds(row.id);
    const ledger = await db.ledger(row.id);
    body = csvOf(['participant_id', 'pseudonym', 'amount', 'batch', 'paid_at'], ledger.map((l) => ({ participant_id: panel.get(l.participant)?.pid ?? '', pseudonym: l.participant, amount: l.amount.toFixed(2), batch: l.batch, paid_at: new Date(l.paidAt).toISOString() })));
  } else {
    const data = await studyData(store, row.id);
    if (file === 'judgements.csv') body = studyJudgementsCsv(row, data, participants, await db.items(row.id));
    else if (file === 'turns.csv') body = studyTurnsCsv(row, data, participants);
    else if (file === 'transcripts.jsonl') body = studyTranscriptsJsonl(data);
    else {
      const paid = new Set((await db.ledger(row.id)).map((l) => l.participant));
      body = csvOf(['participant_id', 'amount'], bonusRows(bonusesDue(row.spec, data, participants), await db.panelIds(row.id), paid));
    }
  }
  const contentType = file.endsWith('.csv') ? 'text/csv' : file.endsWith('.json') ? 'application/json' : 'application/x-ndjson';
  return { body, contentType, filename: `${row.id}-${file}` };
}

/**
 * Marks the bonuses now due as paid in one batch (only those of the panel ids `only`, the
 * rows of a bonuses.csv that was paid, when given): they are in the ledger and leave
 * bonuses.csv. A participant already in a batch is never recorded again.
 */
export async function markBonusesPaid(store: Store, db: StudyStore, row: StudyRow, batch: string, only?: readonly string[]): Promise<{ batch: string; recorded: number; amount: number; alreadyPaid: number }> {
  const participants = await db.participants(row.id);
  const panel = await db.panelIds(row.id);
  const wanted = only ? new Set(only) : null;
  const paid = new Set((await db.ledger(row.id)).map((l) => l.participant));
  const due = bonusesDue(row.spec, await studyData(store, row.id), participants).filter((b) => b.amount > 0 && (!wanted || wanted.has(panel.get(b.participant)?.pid ?? '')));
  const recorded = await db.recordPaid(row.id, batch, due);
  const alreadyPaid = wanted ? [...panel.values()].filter((p) => wanted.has(p.pid) && paid.has(p.participant)).length : 0;
  return { batch, recorded: recorded.length, amount: due.filter((b) => recorded.includes(b.participant)).reduce((s, b) => s + b.amount, 0), alreadyPaid };
}
