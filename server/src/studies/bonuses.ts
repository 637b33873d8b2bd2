/**
 * Bonuses and approvals from the bonus rule and the scores. A point is one bit of judge
 * score above a uniform guess on a counted item: log2 p(correct) − penalty × continues
 * + log2(answers), so a sure correct verdict on a two-answer question earns 1 and a
 * 50/50 verdict 0. The bonus is perPoint × the sum over counted items, within [floor,
 * cap], rounded to cents, for participants who completed. The ledger records what was
 * paid, so a participant already paid is never in a later bonus file.
 */
import type { StudySpec } from './spec.ts';
import type { StudyData } from './exports.ts';
import type { PanelIds, ParticipantRow } from './study-store.ts';

export interface Bonus {
  participant: string;
  points: number;
  amount: number;
}

/** The bonus each completed participant is due (before the ledger). */
export function bonusesDue(spec: StudySpec, data: StudyData, participants: readonly ParticipantRow[]): Bonus[] {
  const rule = spec.bonus;
  if (!rule) return [];
  const points = new Map<string, number>();
  for (const o of data.outcomes) {
    const meta = data.metaOf.get(o.id);
    if (meta?.kind !== 'item') continue;
    points.set(meta.participant, (points.get(meta.participant) ?? 0) + o.judgeScore + Math.log2(o.answers));
  }
  return participants
    .filter((p) => p.outcome === 'completed')
    .map((p) => {
      const pts = points.get(p.participant) ?? 0;
      const amount = Math.round(Math.min(rule.cap, Math.max(rule.floor, rule.perPoint * pts)) * 100) / 100;
      return { participant: p.participant, points: pts, amount };
    });
}

/** What a panel's bulk bonus takes: `participant_id,amount` (panel ids), leaving out zeros and anyone in the ledger. */
export function bonusRows(due: readonly Bonus[], panel: ReadonlyMap<string, PanelIds>, paid: ReadonlySet<string>): { participant_id: string; amount: string }[] {
  return due
    .filter((b) => b.amount > 0 && !paid.has(b.participant) && panel.has(b.participant))
    .map((b) => ({ participant_id: panel.get(b.participant)!.pid, amount: b.amount.toFixed(2) }));
}

const DECISIONS: Record<string, string> = {
  completed: 'approve',
  failed: 'reject',
  declined: 'return',
  noCapacity: 'return',
  timedOut: 'review',
};

/** Submissions to approve or reject by outcome (review timed-out ones by hand). */
export function approvalRows(participants: readonly ParticipantRow[], panel: ReadonlyMap<string, PanelIds>) {
  return participants
    .filter((p) => p.stage === 'done' && p.outcome)
    .map((p) => ({
      participant_id: panel.get(p.participant)?.pid ?? '',
      session_id: panel.get(p.participant)?.session ?? '',
      pseudonym: p.participant,
      outcome: p.outcome as string,
      decision: DECISIONS[p.outcome as string] ?? 'review',
      flags: p.flags.join(' '),
    }));
}
