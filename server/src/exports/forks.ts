/**
 * Forks: a debate started from another one's first events (server/src/debates/fork.ts). Its
 * header records `parent: { id, at }`: the parent debate and how many of its events the fork
 * starts with, so event `at` is the first that may differ. The branch a fork makes is the
 * first debater speech at or after `at` (a fork made mid-turn opens with a `resume` event).
 */
import type { TranscriptRecord } from '@arena/shared';

export interface ForkParent {
  debateId: string;
  /** Index of the first event that may differ from the parent's (the events before it are the parent's). */
  eventIndex: number;
}

/** Where a debate branched from another (null: not a fork). */
export function forkParentOf(r: Pick<TranscriptRecord, 'header'>): ForkParent | null {
  const parent = r.header.parent;
  return parent ? { debateId: parent.id, eventIndex: parent.at } : null;
}
