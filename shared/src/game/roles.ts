import { DEBATER_SEATS, type Action, type Actor, type DebaterSeat, type Seat } from '../protocol/actions.ts';
import type { DebateHeader } from './types.ts';

/**
 * What an actor is in a debate. The role decides which kinds of action it may ever
 * take; the turn (see turns.ts) decides when. Every transport reaches the engine
 * through apply(), so this table is the only place the rule lives.
 */
export type Role = 'debater' | 'judge' | 'observer' | 'system';

/**
 * The action types each role may take. A judge never speaks, reveals, chooses a side,
 * asks or answers a cross-examination question; a debater never judges; choosing an
 * answer (open protocols), asking and answering (cross-examination) are a debater's
 * actions; debaters and the judge may vote to end by agreement (whether a vote counts is
 * the rules' `endByAgreement`); the room starts, times out, forfeits, abandons and resumes.
 */
export const ROLE_ACTIONS = {
  debater: ['speech', 'choose', 'question', 'answer', 'vote'],
  judge: ['judge', 'vote'],
  observer: [],
  system: ['start', 'timeout', 'forfeit', 'abandon', 'resume'],
} as const satisfies Record<Role, readonly Action['type'][]>;

/** The role of a seat (a participant's, not the room's). */
export type SeatRole = Exclude<Role, 'system'>;

/** Whether a seat is one of the debater seats (A–D), whether or not a debate has it. */
export function isDebaterSeat(seat: Actor): seat is DebaterSeat {
  return (DEBATER_SEATS as readonly string[]).includes(seat);
}

/** The role a seat is for, by its name alone: A–D argue, the judge judges, an observer watches. */
export function seatRole(seat: Seat): SeatRole {
  return isDebaterSeat(seat) ? 'debater' : seat;
}

/** The role of `actor` in this debate, or null for a debater seat the debate does not have. */
export function roleOf(header: Pick<DebateHeader, 'assignment'>, actor: Actor): Role | null {
  if (!isDebaterSeat(actor)) return actor;
  return actor in header.assignment.debaters ? 'debater' : null;
}

/** The role a seat sees this debate in: its role, or an observer's for a debater seat the debate does not have. */
export function viewerRole(header: Pick<DebateHeader, 'assignment'>, seat: Seat): SeatRole {
  return isDebaterSeat(seat) ? (seat in header.assignment.debaters ? 'debater' : 'observer') : seat;
}

/** Whether a role may ever take an action of this type. */
export function roleMayTake(role: Role, type: Action['type']): boolean {
  return (ROLE_ACTIONS[role] as readonly string[]).includes(type);
}

/** Why a role may not take an action of this type, in words built from the role alone. */
export function roleRefusalMessage(role: Role, type: Action['type']): string {
  if (role === 'observer') return 'observers watch; they cannot act';
  if (role === 'judge') {
    if (type === 'speech') return 'the judge does not speak or cite evidence: give probabilities, a comment or a question';
    if (type === 'choose') return 'the judge does not choose a side: the debaters argue, the judge decides';
    if (type === 'question' || type === 'answer') return 'the judge does not cross-examine: the debaters question each other, the judge reads it';
    return 'that action is the room’s, not the judge’s';
  }
  if (role === 'debater') return type === 'judge' ? 'debaters argue; only the judge gives probabilities' : 'that action is the room’s, not a debater’s';
  return `the room does not take "${type}" actions`;
}
