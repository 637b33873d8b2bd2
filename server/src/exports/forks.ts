/**
 * Forks: a debate started from another one's first events, to try another action at one
 * turn. Its header records where it branched in the field named FORK_PARENT_FIELD:
 * `{ debateId, eventIndex }`, the parent debate and the 0-based index of the first event
 * that differs (the events before it are the parent's). Read here through a schema, so a
 * store without forks, or a header without the field, yields nothing.
 */
import { z } from 'zod';
import type { TranscriptRecord } from '@arena/shared';

/** The header field a fork's parent is recorded in. */
export const FORK_PARENT_FIELD = 'parent';

const ForkParent = z.object({ debateId: z.string().min(1), eventIndex: z.number().int().nonnegative() });
export type ForkParent = z.infer<typeof ForkParent>;

/** Where a debate branched from another (null: not a fork). */
export function forkParentOf(r: Pick<TranscriptRecord, 'header'>): ForkParent | null {
  const raw = (r.header as Record<string, unknown>)[FORK_PARENT_FIELD];
  if (raw === undefined) return null;
  const parsed = ForkParent.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
