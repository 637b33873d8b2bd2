/**
 * A study's exports: judgements.csv and turns.csv (the report's columns, reused from
 * server/src/report/csv.ts, with the study's own values in the shared columns),
 * transcripts as JSON Lines, and the spec with its hash. Participants appear only by
 * pseudonym; panel ids are in the bonus and approval files alone.
 */
import type { TranscriptRecord } from '@arena/shared';
import { exclusionOf } from '../report/exclusions.ts';
import { outcomeOf, type Outcome } from '../report/outcomes.ts';
import { csvBool, judgementsCsv, turnsCsv, type RowOverrides } from '../report/csv.ts';
import type { Store } from '../store/store.ts';
import type { StudyDebateMeta } from './item-debate.ts';
import { studyTranscripts, type ItemRow, type ParticipantRow, type StudyRow } from './study-store.ts';

export const studyMeta = (r: Pick<TranscriptRecord, 'header'>): StudyDebateMeta | undefined => r.header.meta?.['study'] as StudyDebateMeta | undefined;


export interface StudyData {
  records: TranscriptRecord[];
  outcomes: Outcome[];
  metaOf: Map<string, StudyDebateMeta>;
}

/** The finished debates of a study, as outcomes, in participant and item order. */
export async function studyData(store: Store, studyId: string): Promise<StudyData> {
  const records: TranscriptRecord[] = [];
  for await (const r of studyTranscripts(store, studyId)) records.push(r);
  const metaOf = new Map<string, StudyDebateMeta>();
  const outcomes: Outcome[] = [];
  for (const r of records) {
    const meta = studyMeta(r);
    const o = outcomeOf(r);
    if (!meta || !o) continue;
    metaOf.set(o.id, meta);
    outcomes.push(o);
  }
  outcomes.sort((a, b) => {
    const x = metaOf.get(a.id)!;
    const y = metaOf.get(b.id)!;
    return x.participant < y.participant ? -1 : x.participant > y.participant ? 1 : x.item - y.item;
  });
  return { records, outcomes, metaOf };
}

/** The study's values in the shared columns, per row. */
function overrides(study: StudyRow, data: StudyData, participants: Map<string, ParticipantRow>): RowOverrides {
  return (o) => {
    const meta = data.metaOf.get(o.id)!;
    const p = participants.get(meta.participant);
    // Speeding is a flag for the researcher to weigh (participant_flags), not an exclusion.
    const reason = exclusionOf(p);
    return {
      study: study.id,
      participant: meta.participant,
      item: meta.item,
      practice: csvBool(meta.kind === 'practice'),
      check: csvBool(meta.kind === 'check'),
      condition: meta.condition,
      excluded: csvBool(reason !== null),
      exclusion_reason: reason,
      participant_outcome: p?.outcome ?? null,
      participant_flags: p?.flags.join(' ') ?? null,
      spec_hash: meta.specHash,
      rejudge_of: meta.rejudgeOf ?? null,
      debater_participants: meta.debaters ? Object.entries(meta.debaters).map(([seat, who]) => `${seat}:${who}`).join(' ') : null,
    };
  };
}

export const STUDY_EXTRA_COLUMNS = ['participant_outcome', 'participant_flags', 'spec_hash', 'rejudge_of', 'debater_participants', 'item_seconds', 'pastes', 'hidden_seconds', 'unfocused_seconds'] as const;

/** judgements.csv: the report's columns, the study's values, and each item's time and integrity signals (paste events, time the page was hidden or out of focus). */
export function studyJudgementsCsv(study: StudyRow, data: StudyData, participants: ParticipantRow[], items: readonly ItemRow[] = []): string {
  const byId = new Map(participants.map((p) => [p.participant, p]));
  const itemOf = new Map(items.filter((i) => i.debateId).map((i) => [i.debateId as string, i]));
  const shared = overrides(study, data, byId);
  const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(1);
  const questions = study.spec.postItemQuestions ?? [];
  return judgementsCsv(
    data.outcomes,
    (o) => {
      const i = itemOf.get(o.id);
      return {
        ...shared(o),
        item_seconds: i?.startedAt != null && i.finishedAt != null ? seconds(i.finishedAt - i.startedAt) : null,
        pastes: i ? (i.pastes ?? 0) : null,
        hidden_seconds: i ? seconds(i.hiddenMs) : null,
        unfocused_seconds: i ? seconds(i.blurMs) : null,
        ...Object.fromEntries(questions.map((q) => [`q_${q.id}`, i?.answers?.[q.id] ?? null])),
      };
    },
    [...STUDY_EXTRA_COLUMNS, ...questions.map((q) => `q_${q.id}`)],
  );
}

export function studyTurnsCsv(study: StudyRow, data: StudyData, participants: ParticipantRow[]): string {
  const byId = new Map(participants.map((p) => [p.participant, p]));
  return turnsCsv(data.outcomes, overrides(study, data, byId));
}

/** Every study debate (finished or not), one JSON object per line. */
export function studyTranscriptsJsonl(data: StudyData): string {
  return data.records.map((r) => JSON.stringify(r)).join('\n') + (data.records.length ? '\n' : '');
}

/** The frozen spec and its hash. */
export function studySpecJson(study: StudyRow): string {
  return `${JSON.stringify({ id: study.id, specHash: study.specHash, launchedAt: new Date(study.createdAt).toISOString(), spec: study.spec }, null, 2)}\n`;
}
