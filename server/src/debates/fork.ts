/**
 * Forks: a new debate that starts with a stored debate's first `at` events, unchanged,
 * and continues live with the seats given (other agents, people, the same agents with
 * another seed). The transcript is an append-only log that replays exactly, so a debate
 * can branch at any event by construction (Arnesen et al. compare a judge's verdicts on
 * branches). The fork's header is the parent's (scenario, rules, assignment) with its own
 * id, seed, seats and time, `provenance: 'fork'` and `parent: { id, at }`; a fork that
 * starts mid-turn gets the room's `resume` event (the copied deadline is long past).
 * Forks are private: nothing a participant receives (views, steps, seat links) names the
 * parent; only researchers read the header.
 */
import {
  ENGINE_VERSION,
  replay,
  type DebateEvent,
  type DebateStatus,
  type DebateHeader,
  type Seat,
  type SeatConfig,
  type TranscriptRecord,
} from '@arena/shared';
import { checkSeats, CreateRefused, humanSeatTokens, type CreateDeps } from './create.ts';
import type { Store } from '../store/store.ts';
import { newDebateId, newToken } from '../tokens.ts';

/** A fork as asked for: where, and who plays from there. */
export interface ForkInput {
  /** How many of the parent's events the fork starts with (0: none, the debate from its start). */
  at: number;
  /** Seats to fill differently from the parent's (unnamed seats keep the parent's configuration). */
  seats?: Partial<Record<Seat, SeatConfig>>;
  /** The fork's seed (its agents draw from it); default a new random one. The assignment stays the parent's. */
  seed?: string;
  meta?: Record<string, unknown>;
  id?: string;
}

/** The fork of `parent` at `input.at`: its header and first events (the parent's, then `resume` when it starts mid-turn). */
export function prepareFork(deps: Pick<CreateDeps, 'agentCapabilities' | 'makeAgent'>, parent: TranscriptRecord, input: ForkInput, now: number): { header: DebateHeader; events: DebateEvent[]; status: DebateStatus } {
  const n = parent.events.length;
  if (!Number.isInteger(input.at) || input.at < 0 || input.at > n) throw new CreateRefused(400, `at: debate ${parent.header.id} has ${n} events; fork at 0 to ${n}`);
  const seats: Partial<Record<Seat, SeatConfig>> = { ...parent.header.seats };
  for (const [seat, c] of Object.entries(input.seats ?? {}) as [Seat, SeatConfig][]) {
    if (!(seat in parent.header.seats)) throw new CreateRefused(400, `seat ${seat} does not exist in debate ${parent.header.id}`);
    seats[seat] = c;
  }
  const { meta: _meta, source: _source, provenance: _provenance, parent: _parent, ...kept } = parent.header as DebateHeader;
  const header: DebateHeader = {
    ...kept,
    // A transcript of engine 1.0 replays under 1.0's deadlines; any later one under this engine (which replays it the same).
    engine: parent.header.engine === '1.0.0' ? parent.header.engine : ENGINE_VERSION,
    id: input.id ?? newDebateId(),
    createdAt: now,
    seed: input.seed ?? newToken(),
    seats,
    provenance: 'fork',
    parent: { id: parent.header.id, at: input.at },
    ...(input.meta ? { meta: input.meta } : {}),
  };
  checkSeats(header, deps);
  const events = parent.events.slice(0, input.at).map((e) => structuredClone(e));
  const state = replay(header, events);
  if (state.status === 'finished' || state.status === 'ended') {
    throw new CreateRefused(409, `debate ${parent.header.id} is over after ${input.at} events; fork at fewer`);
  }
  if (state.status === 'running') events.push({ seq: input.at, at: now, seat: 'system', action: { type: 'resume' } });
  // `resume` leaves a running debate running: the status is the replay's.
  return { header, events, status: state.status };
}

/**
 * Stores a fork (private) with a token for each of its human seats, then hands it to the
 * sessions (onCreated), which carry it on live from its last event.
 */
export async function createFork(
  deps: Pick<CreateDeps, 'agentCapabilities' | 'makeAgent' | 'onCreated'> & { store: Pick<Store, 'saveTranscript' | 'setSeatTokens'> },
  parent: TranscriptRecord,
  input: ForkInput,
  now: number,
): Promise<{ header: DebateHeader; tokens: Partial<Record<Seat, string>> }> {
  const { header, events, status } = prepareFork(deps, parent, input, now);
  const stored = await deps.store.saveTranscript({ header, events, status, verdict: null } as TranscriptRecord, 'private');
  if (!stored) throw new CreateRefused(409, `debate ${header.id} exists`);
  const tokens = humanSeatTokens(header);
  await deps.store.setSeatTokens(header.id, tokens);
  await deps.onCreated?.(header.id);
  return { header, tokens };
}
