/**
 * Study participants excluded by their study's rules: their judgements are kept (and
 * exported, marked excluded) but counted apart from every report, export and dashboard.
 */
import type { Sql } from '../store/sql.ts';

/** Why a participant's judgements are excluded, by the study's rules (null: kept). */
export function exclusionOf(p: { outcome: string | null } | undefined): string | null {
  if (!p) return 'unknown participant';
  if (p.outcome === 'failed') return 'failed attention check';
  return null;
}

/** The excluded participants of every study, as `study|participant`. */
export async function studyExclusions(sql: Sql): Promise<Set<string>> {
  const rows = await sql.query<{ study_id: string; participant: string; outcome: string | null }>('SELECT study_id, participant, outcome FROM study_participants');
  return new Set(rows.filter((r) => exclusionOf(r) !== null).map((r) => `${r.study_id}|${r.participant}`));
}
