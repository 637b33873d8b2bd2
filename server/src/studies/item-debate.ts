/**
 * Creating the debate of a study item through the server's debate-creation service: the
 * participant judges (a human seat with a token), agents debate, the debate is private,
 * and its header carries the study, the spec's hash, the participant's pseudonym and the item.
 */
import { createHeader, type Rules, type Scenario, type SeatConfig, type Seat } from '@arena/shared';
import type { Sessions } from '../sessions/sessions.ts';
import type { Store } from '../store/store.ts';
import { agentCapabilities, type AgentCapabilities } from '../agents/registry.ts';
import { createDebate } from '../debates/create.ts';
import { newDebateId } from '../tokens.ts';

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

/**
 * Creates a study item's debate through the debate-creation service (agents checked
 * against their seats and the evidence kind; header, tokens and visibility in one
 * transaction; private) and starts its session; returns its id and the judge's token.
 */
export async function createStudyDebate(
  deps: { store: Store; sessions: Sessions; agentCapabilities?: (id: string) => AgentCapabilities },
  input: StudyDebateInput,
): Promise<{ id: string; judgeToken: string }> {
  const header = createHeader({
    id: newDebateId(),
    scenario: input.scenario,
    rules: input.rules,
    seed: input.seed,
    createdAt: Date.now(),
    seats: input.seats as Partial<Record<Seat, SeatConfig>>,
    provenance: 'study',
    meta: { study: input.meta },
  });
  const { tokens } = await createDebate(
    {
      store: deps.store,
      scenarios: new Map(),
      agentCapabilities: deps.agentCapabilities ?? ((id) => agentCapabilities(id)),
      onCreated: (id) => deps.sessions.created(id),
    },
    { header },
    'private',
  );
  if (!tokens.judge) throw new Error(`study debate ${header.id}: the judge seat is not a person's`);
  return { id: header.id, judgeToken: tokens.judge };
}
