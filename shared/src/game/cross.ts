/**
 * Cross-examination (Barnes & Christiano 2020), as a round kind: every debater asks the
 * next debater in speaking order one question (all at once: nobody sees another's question
 * before asking its own), then each answers the question put to it, with quotes checked
 * like a speech's. The answers are the round's speeches, so the judge sees them, with
 * their verified quotes, beside the questions once the round is complete. The asker names
 * the round whose opening the answer is to come from: an agent then answers from its view
 * as it was at that event (fork-view.ts), not from its live view; a person answers live.
 */
import type { DebaterSeat } from '../protocol/actions.ts';
import type { DebateState, Question, Round } from './types.ts';

/** Who `seat` questions: the next debater in speaking order. */
export function opponentOf(state: Pick<DebateState, 'header'>, seat: DebaterSeat): DebaterSeat {
  const order = state.header.assignment.speakingOrder;
  return order[(order.indexOf(seat) + 1) % order.length] as DebaterSeat;
}

/** Whether every debater has asked (or run out of time to ask) in this cross round. */
export function questionsDone(state: Pick<DebateState, 'header'>, round: Round): boolean {
  const asked = new Set((round.questions ?? []).map((q) => q.seat));
  return state.header.assignment.speakingOrder.every((s) => asked.has(s));
}

/** The question put to `seat` in this cross round, once every question is in (null when none is due). */
export function questionTo(state: Pick<DebateState, 'header'>, round: Round, seat: DebaterSeat): Question | null {
  if (round.kind !== 'cross' || !questionsDone(state, round)) return null;
  return (round.questions ?? []).find((q) => q.to === seat && q.text !== '') ?? null;
}

/** The seats a cross round waits for: the askers still to ask, then those with a question still to answer. */
export function crossToMove(state: Pick<DebateState, 'header'>, round: Round): DebaterSeat[] {
  const order = state.header.assignment.speakingOrder;
  const asked = new Set((round.questions ?? []).map((q) => q.seat));
  const missing = order.filter((s) => !asked.has(s));
  if (missing.length) return missing;
  const answered = new Set(round.speeches.map((s) => s.seat));
  return order.filter((s) => !answered.has(s) && questionTo(state, round, s) !== null);
}
