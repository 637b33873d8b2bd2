/**
 * Ending by agreement (NYU's NegotiateEndRound), a rules option: debaters (and, with
 * `all`, the judge) vote at any time while the debate runs; a seat's latest vote counts.
 * Once every voter's latest vote is to end, no further speech round opens and the next
 * judge turn is the last (the judge gives its final probabilities). Votes are events.
 */
import type { Seat } from '../protocol/actions.ts';
import type { DebateState, Vote } from './types.ts';

/** The seats that vote under these rules (none when the option is off). */
export function voters(state: Pick<DebateState, 'header'>): Seat[] {
  const mode = state.header.rules.endByAgreement;
  if (mode === undefined || mode === 'off') return [];
  const debaters: Seat[] = [...state.header.assignment.speakingOrder];
  return mode === 'all' ? [...debaters, 'judge'] : debaters;
}

/** Each seat's last vote among `votes` (a vote taken back and cast again counts once, as the last), in the order each seat first voted. */
export function lastVoteOfEachSeat(votes: readonly Vote[]): Vote[] {
  const last = new Map<Seat, Vote>();
  for (const v of votes) last.set(v.seat, v);
  return [...last.values()];
}

/** Each voter's latest vote. */
function latestVotes(state: Pick<DebateState, 'rounds'>): Map<Seat, boolean> {
  return new Map(lastVoteOfEachSeat(state.rounds.flatMap((r) => r.votes ?? [])).map((v) => [v.seat, v.end]));
}

/** Whether every voter has voted to end. */
export function agreedToEnd(state: Pick<DebateState, 'header' | 'rounds'>): boolean {
  const seats = voters(state);
  if (seats.length === 0) return false;
  const latest = latestVotes(state);
  return seats.every((s) => latest.get(s) === true);
}
