/**
 * Study participants excluded by their study's rules: their judgements are kept (and
 * exported, marked excluded) but counted apart from every report, export and dashboard.
 */

/** Why a participant's judgements are excluded, by the study's rules (null: kept). */
export function exclusionOf(p: { outcome: string | null } | undefined): string | null {
  if (!p) return 'unknown participant';
  if (p.outcome === 'failed') return 'failed attention check';
  return null;
}

/** The excluded participants of every study, as `study|participant`. */
/** What the exclusions are read from: the studies and their participants (the study store has these). */
export interface StudyParticipants {
  list(): Promise<{ id: string }[]>;
  participants(studyId: string): Promise<{ participant: string; outcome: string | null }[]>;
}

export async function studyExclusions(studies: StudyParticipants): Promise<Set<string>> {
  const out = new Set<string>();
  for (const study of await studies.list()) {
    for (const p of await studies.participants(study.id)) if (exclusionOf(p) !== null) out.add(`${study.id}|${p.participant}`);
  }
  return out;
}
