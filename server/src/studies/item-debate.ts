/**
 * Creating the debate of a study item. Written as one small function so that it can be
 * switched to the server's debate-creation service: the participant judges (a human seat
 * with a token), agents debate, the debate is private, and its header carries the study,
 * the spec's hash, the participant's pseudonym and the item.
 */
import { createHeader, type Rules, type Scenario, type SeatConfig, type Seat } from '@arena/shared';
import type { Sessions } from '../sessions/sessions.ts';
import type { Store } from '../store/store.ts';
import { newDebateId, newToken } from '../tokens.ts';

/** What a study debate's header.meta.study records. */
export interface StudyDebateMeta {
  id: string;
  specHash: string;
  participant: string;
  /** Position in the participant's sequence (practice first), 1-based. */
  item: number;
  kind: 'practice' | 'item' | 'check';
  condition: string;
  slot: string | null;
}

export interface StudyDebateInput {
  scenario: Scenario;
  rules: Rules;
  seats: Partial<Record<string, SeatConfig>>;
  seed: string;
  meta: StudyDebateMeta;
}

/** Creates a study item's debate (private, judge seat for the participant) and starts its session; returns its id and the judge's token. */
export async function createStudyDebate(deps: { store: Store; sessions: Sessions }, input: StudyDebateInput): Promise<{ id: string; judgeToken: string }> {
  const id = newDebateId();
  const header = createHeader({
    id,
    scenario: input.scenario,
    rules: input.rules,
    seed: input.seed,
    createdAt: Date.now(),
    seats: input.seats as Partial<Record<Seat, SeatConfig>>,
    provenance: 'study',
    meta: { study: input.meta },
  });
  const judgeToken = newToken();
  await deps.store.createDebateWithTokens(header, { judge: judgeToken }, 'private');
  await deps.sessions.created(id);
  return { id, judgeToken };
}
