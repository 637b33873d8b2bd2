import type { DebateState, Seat } from '@arena/shared';

/**
 * When a lobby debate is abandoned: every person in it is gone and it would otherwise
 * stay in the public list as waiting (until ARENA_WAITING_SECONDS) or running (turn after
 * timed-out turn) with nobody playing. Pure: the session owns the timer
 * (ARENA_ABANDON_SECONDS, counted from the last time a person joined, left or acted) and
 * ends such a debate through the engine, like any other end.
 *
 * Only lobby debates (anonymous, public games) with at least one human seat are ended this
 * way: an all-agent debate plays itself out, a researcher's debate waits and runs as its
 * researcher set it up (ARENA_WAITING_SECONDS, a cancellation), and a study's debates
 * follow the study's own dropout rules.
 */
export function mayBeAbandoned(state: DebateState): boolean {
  if (state.header.provenance !== 'lobby') return false;
  if (state.status !== 'waiting' && state.status !== 'running') return false;
  return Object.values(state.header.seats).some((c) => c.kind === 'human');
}

/** Whether `seat` is played by a person in this debate. */
export function isHumanSeat(state: DebateState, seat: Seat | 'system'): boolean {
  return seat !== 'system' && state.header.seats[seat]?.kind === 'human';
}

/** Whether a debate that may be abandoned has none of its people connected (`present`: the seats with a subscriber). */
export function withoutPlayers(state: DebateState, present: Iterable<Seat>): boolean {
  if (!mayBeAbandoned(state)) return false;
  for (const seat of present) if (isHumanSeat(state, seat)) return false;
  return true;
}

/** The recorded reason of an abandonment (prefix `abandoned`, as `expired` and `cancelled` are theirs). */
export function abandonReason(ms: number): string {
  const [n, unit] = ms < 60_000 ? [Math.max(1, Math.round(ms / 1000)), 'second'] : [Math.round(ms / 60_000), 'minute'];
  return `abandoned: no player connected for ${n} ${unit}${n === 1 ? '' : 's'}`;
}
