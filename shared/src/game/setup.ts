import type { DebaterSeat, Seat } from '../protocol/actions.ts';
import { drawAssignment } from './assignment.ts';
import type { Rules } from '../rules/rules.ts';
import type { Scenario } from '../scenario/schema.ts';
import { ENGINE_VERSION, TRANSCRIPT_FORMAT, type DebateHeader, type DebateState, type Provenance, type SeatConfig } from './types.ts';

export interface SetupParams {
  id: string;
  scenario: Scenario;
  rules: Rules;
  seed: string;
  createdAt: number;
  /** Configuration of seats (human/agent, open). Unnamed seats are human. */
  seats?: Partial<Record<Seat, SeatConfig>>;
  /** The code path creating the debate (see Provenance). */
  provenance?: Provenance;
  meta?: Record<string, unknown>;
}

/** The seats a debate under these rules has. */
export function seatsOf(header: Pick<DebateHeader, 'assignment'>): Seat[] {
  return [...(Object.keys(header.assignment.debaters) as DebaterSeat[]).sort(), 'judge'];
}

/** A new debate's header. */
export function createHeader(p: SetupParams): DebateHeader {
  const assignment = drawAssignment(p.scenario, p.rules, p.seed);
  const seats: Partial<Record<Seat, SeatConfig>> = {};
  for (const seat of seatsOf({ assignment })) seats[seat] = p.seats?.[seat] ?? { kind: 'human' };
  return {
    format: TRANSCRIPT_FORMAT,
    engine: ENGINE_VERSION,
    id: p.id,
    createdAt: p.createdAt,
    seed: p.seed,
    scenario: p.scenario,
    rules: p.rules,
    seats,
    assignment,
    ...(p.provenance ? { provenance: p.provenance } : {}),
    ...(p.meta ? { meta: p.meta } : {}),
  };
}

/** The state of a debate before its first event. */
export function initialState(header: DebateHeader): DebateState {
  return {
    header,
    status: 'waiting',
    rounds: [],
    speechRounds: 0,
    continues: 0,
    deadline: null,
    verdict: null,
    endReason: null,
    lastSeq: -1,
  };
}

/** setup(scenario, rules, seats, seed): a new debate, waiting for its start event. */
export function setup(p: SetupParams): DebateState {
  return initialState(createHeader(p));
}
