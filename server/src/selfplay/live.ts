import { createHeader, rulesFor, type SeatConfig, type Seat, type TranscriptRecord, type Visibility } from '@arena/shared';
import { createDebate, type CreateDeps } from '../debates/create.ts';
import type { Sessions } from '../sessions/sessions.ts';
import type { Store } from '../store/store.ts';
import type { PlannedDebate } from './batch.ts';

/**
 * Plays a planned self-play debate as a live session of the running server (real time,
 * the session's agent seats and timers), for agents that need one: remote agents answer
 * through the gateway. The transcript is the same as in-process self-play's (source
 * `selfplay`, the same id, header meta and seeded assignment), with real times.
 */
export async function playLive(deps: { store: Pick<Store, 'getTranscript'>; sessions: Pick<Sessions, 'on'>; creating: CreateDeps; visibility?: Visibility }, item: PlannedDebate): Promise<TranscriptRecord> {
  const seats: Partial<Record<Seat, SeatConfig>> = {};
  for (const [seat, agent] of Object.entries(item.seats)) seats[seat as Seat] = { kind: 'agent', agent };
  const header = createHeader({
    id: item.id,
    scenario: item.scenario,
    rules: rulesFor(item.preset),
    seed: item.seed,
    createdAt: Date.now(),
    seats,
    provenance: 'selfplay',
    meta: { ...item.meta, selfplay: { seats: item.seats, seed: item.seed } },
  });
  header.source = { name: 'selfplay' };
  const over = new Promise<void>((resolve) => {
    const off = deps.sessions.on((id, e) => {
      if (id !== item.id || (e.type !== 'finished' && e.type !== 'ended')) return;
      off();
      resolve();
    });
  });
  // Through the creation service: agents checked against their seats, stored private, and
  // the session loaded at once (an all-agent debate starts as soon as it is).
  await createDebate(deps.creating, { header }, deps.visibility ?? 'private');
  await over;
  const record = await deps.store.getTranscript(item.id);
  if (!record) throw new Error(`${item.id} vanished from the store`);
  return record;
}
