/**
 * Items argued by paid agents (an LLM or remote debater costs money with every move): which
 * of a study's conditions have them, the most one participant is given, and how many debates
 * of them were started, counted from the study's debates in the store (so across processes).
 * access/study.ts's `paidItemRefusal` decides from these counts.
 */
import type { PaidAgentUse } from '../access/study.ts';
import type { Store } from '../store/store.ts';
import type { ResolvedStudy } from './resolve.ts';
import { HUMAN_DEBATER, paidAgentLimits } from './spec.ts';

/** The conditions whose debaters include a paid agent. */
export function paidConditions(design: ResolvedStudy, paidAgent: (id: string) => boolean): Set<string> {
  const paid = new Set<string>();
  for (const [name, c] of design.conditions) if (Object.values(c.debaters).some((id) => id !== HUMAN_DEBATER && paidAgent(id))) paid.add(name);
  return paid;
}

/** The most items argued by paid agents one participant is given: practice, and their balanced queue (each condition ⌊items / n⌋ or one more times). */
export function paidItemsPerParticipant(design: ResolvedStudy, paid: ReadonlySet<string>): number {
  const n = design.conditionNames.length;
  const items = design.spec.itemsPerParticipant;
  const queued = design.conditionNames.filter((c) => paid.has(c)).length;
  return queued * Math.floor(items / n) + Math.min(queued, items % n) + design.spec.practice.filter((p) => paid.has(p.condition)).length;
}

/** Why a spec's design would break its per-participant cap on paid agents (practice and queue alone exceed it), or null. */
export function paidCapProblem(design: ResolvedStudy, paid: ReadonlySet<string>): string | null {
  const most = paidItemsPerParticipant(design, paid);
  const { perParticipant } = paidAgentLimits(design.spec);
  if (most <= perParticipant) return null;
  return `a participant's practice and queue can hold ${most} items argued by paid agents, above paidAgents.perParticipant (${perParticipant}): raise it, or give fewer items`;
}

/** The debates of items argued by paid agents this participant started (restarts included), and the whole study in the last minute. */
export async function paidUse(store: Pick<Store, 'countDebates' | 'listDebates'>, studyId: string, participant: string, paid: ReadonlySet<string>, now: number): Promise<PaidAgentUse> {
  const use: PaidAgentUse = { participantStarts: 0, studyStartsLastMinute: 0, oldestInMinute: null };
  for (const condition of paid) {
    use.participantStarts += await store.countDebates({ meta: { 'study.id': studyId, 'study.participant': participant, 'study.condition': condition } });
    const recent = await store.listDebates({ meta: { 'study.id': studyId, 'study.condition': condition }, since: now - 60_000, limit: 1_000_000 });
    use.studyStartsLastMinute += recent.length;
    for (const d of recent) use.oldestInMinute = Math.min(use.oldestInMinute ?? d.createdAt, d.createdAt);
  }
  return use;
}
