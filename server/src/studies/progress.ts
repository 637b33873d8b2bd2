/**
 * A study's progress as the researchers' dashboard shows it: participants by stage and
 * outcome, judgements per cell against the plan, the balance achieved, dropouts and
 * refills, flags, and each participant's items.
 */
import type { StudyProgress } from '@arena/shared';
import { exclusionOf } from '../report/exclusions.ts';
import { outcomeOf } from '../report/outcomes.ts';
import type { Store } from '../store/store.ts';
import { studyMeta } from './exports.ts';
import type { ItemRow, ParticipantRow, SlotRow, StudyRow } from './study-store.ts';
import { studyTranscripts } from './study-store.ts';

/** What the dashboard receives: the shared HTTP type (shared/src/protocol/http.ts), built here. */
export type { StudyProgress };
type CellProgress = StudyProgress['cells'][number];
type BalanceRow = StudyProgress['balance'][number];
type JudgementCounts = StudyProgress['judgements'];

/** Builds the dashboard's figures from the study's tables and its debates. */
export async function studyProgress(store: Store, study: StudyRow, participants: ParticipantRow[], slots: SlotRow[], items: ItemRow[]): Promise<StudyProgress> {
  const count = <T>(xs: T[], key: (x: T) => string) => xs.reduce<Record<string, number>>((acc, x) => ((acc[key(x)] = (acc[key(x)] ?? 0) + 1), acc), {});
  const cells = new Map<string, CellProgress>();
  for (const s of slots) {
    const c = cells.get(s.cell) ?? { cell: s.cell, scenario: s.scenarioId, condition: s.condition, planned: 0, done: 0, assigned: 0, open: 0 };
    if (s.trial <= study.spec.judgementsPerCell) c.planned++;
    c[s.status]++;
    cells.set(s.cell, c);
  }
  const balance = new Map<string, BalanceRow>();
  const judgements: JudgementCounts = { counted: 0, practice: 0, checks: 0, excluded: 0 };
  const byId = new Map(participants.map((p) => [p.participant, p]));
  for await (const r of studyTranscripts(store, study.id)) {
    const meta = studyMeta(r);
    const o = outcomeOf(r);
    if (!meta || !o) continue;
    if (meta.kind === 'practice') judgements.practice++;
    if (meta.kind === 'check') judgements.checks++;
    if (meta.kind !== 'item') continue;
    if (exclusionOf(byId.get(meta.participant)) !== null) {
      judgements.excluded++;
      continue;
    }
    judgements.counted++;
    const b = balance.get(meta.condition) ?? { condition: meta.condition, judgements: 0, correctAt: [], honest: 0, dishonest: 0, correctFirst: 0, correctLater: 0, accuracy: 0 };
    b.judgements++;
    b.correctAt[o.correctIndex] = (b.correctAt[o.correctIndex] ?? 0) + 1;
    if (o.honest === true) b.honest++;
    if (o.honest === false) b.dishonest++;
    if (o.correctFirst === true) b.correctFirst++;
    if (o.correctFirst === false) b.correctLater++;
    b.accuracy = (b.accuracy ?? 0) + (o.correct ? 1 : 0);
    balance.set(meta.condition, b);
  }
  for (const b of balance.values()) {
    b.accuracy = b.judgements ? (b.accuracy ?? 0) / b.judgements : null;
    b.correctAt = Array.from({ length: b.correctAt.length }, (_, i) => b.correctAt[i] ?? 0);
  }
  const itemsOf = new Map<string, ItemRow[]>();
  for (const i of items) itemsOf.set(i.participant, [...(itemsOf.get(i.participant) ?? []), i]);
  return {
    study: {
      id: study.id,
      title: study.spec.title,
      status: study.status,
      specHash: study.specHash,
      seed: study.spec.seed,
      createdAt: study.createdAt,
      itemsPerParticipant: study.spec.itemsPerParticipant,
      judgementsPerCell: study.spec.judgementsPerCell,
    },
    stages: count(participants, (p) => p.stage),
    outcomes: count(participants.filter((p) => p.outcome), (p) => p.outcome as string),
    plan: { slots: slots.length, planned: slots.filter((s) => s.trial <= study.spec.judgementsPerCell).length, done: slots.filter((s) => s.status === 'done').length, assigned: slots.filter((s) => s.status === 'assigned').length, open: slots.filter((s) => s.status === 'open').length },
    cells: [...cells.values()],
    judgements,
    balance: [...balance.values()],
    dropouts: participants.filter((p) => p.flags.includes('idle')).length,
    // A slot drawn more than once was handed back by someone who left and drawn again.
    refills: slots.reduce((n, s) => n + Math.max(0, s.draws - 1), 0),
    participants: participants.map((p) => {
      const mine = itemsOf.get(p.participant) ?? [];
      return {
        participant: p.participant,
        role: p.role,
        stage: p.stage,
        outcome: p.outcome,
        position: p.position,
        items: mine.length,
        done: mine.filter((i) => i.status === 'done').length,
        failedChecks: p.failedChecks,
        flags: p.flags,
        enteredAt: p.enteredAt,
        lastSeen: p.lastSeen,
        finishedAt: p.finishedAt,
        conditions: mine.filter((i) => i.kind === 'item').map((i) => i.condition),
      };
    }),
    flagged: participants.filter((p) => p.flags.length).map((p) => ({ participant: p.participant, flags: p.flags })),
  };
}
