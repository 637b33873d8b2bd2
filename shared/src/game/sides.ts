/**
 * Which answer each debater argues. Under most protocols the seed draws it (the header's
 * assignment). Under the open protocols (Kenton et al. 2024) the debate opens with a
 * `choose` round: the protagonist, debater A, chooses the answer it will argue, and the
 * choice is an event of the transcript. The other debaters keep their drawn answers,
 * except that the debater whose drawn answer A took gets A's drawn answer instead (a swap),
 * so every answer still has exactly one debater. If A runs out of time (or forfeits), its
 * drawn answer stands and the choice is recorded as timed out.
 */
import type { DebaterSeat } from '../protocol/actions.ts';
import type { DebateState, Round } from './types.ts';

/** The debater who chooses its answer under an open protocol. */
export const PROTAGONIST: DebaterSeat = 'A';

/** The sides after the protagonist chose `answer`: a swap with whoever had it in the drawn assignment. */
export function sidesAfterChoice(drawn: Readonly<Partial<Record<DebaterSeat, number>>>, protagonist: DebaterSeat, answer: number): Partial<Record<DebaterSeat, number>> {
  const sides = { ...drawn };
  const own = drawn[protagonist];
  const holder = (Object.keys(drawn) as DebaterSeat[]).find((s) => s !== protagonist && drawn[s] === answer);
  if (holder && own !== undefined) sides[holder] = own;
  sides[protagonist] = answer;
  return sides;
}

/** The choose round of an open debate, once its choice is made (null otherwise). */
export function choiceOf(state: Pick<DebateState, 'rounds'>): NonNullable<Round['choice']> | null {
  const first = state.rounds[0];
  return first?.kind === 'choose' && first.choice ? first.choice : null;
}

/**
 * The shown answer each debater argues in this state: the drawn assignment, or under an
 * open protocol the sides after the choice, and null while the choice is still to come.
 */
export function sidesOf(state: Pick<DebateState, 'header' | 'rounds'>): Partial<Record<DebaterSeat, number>> | null {
  const { assignment, rules } = state.header;
  if (rules.opening[0] !== 'choose') return assignment.debaters;
  const choice = choiceOf(state);
  return choice ? sidesAfterChoice(assignment.debaters, choice.seat, choice.answer) : null;
}
