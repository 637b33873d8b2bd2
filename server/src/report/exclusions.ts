/**
 * Study participants excluded by their study's rules: their judgements are kept (and
 * exported, marked excluded) but counted apart from every report, export and dashboard.
 */
import type { StudyStore } from '../studies/study-store.ts';

/** Why a participant's judgements are excluded, by the study's rules (null: kept). */
export function exclusionOf(p: { outcome: string | null } | undefined): string | null {
  if (!p) return 'unknown participant';
  if (p.outcome === 'failed') return 'failed attention check';
  return null;
}

/** The excluded participants of every study, as `study|participant`. */
export async function studyExclusions(studies: Pick<StudyStore, 'list' | 'participants'>): Promise<Set<string>> {
  const out = new Set<string>();
  for (const study of await studies.list()) {
    for (const p of await studies.participants(study.id)) if (exclusionOf(p) !== null) out.add(`${study.id}|${p.participant}`);
  }
  return out;
}
