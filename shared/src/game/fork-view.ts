/**
 * The view an agent acts from. Everywhere but one place that is its live view. The one
 * place: answering a cross-examination question, an agent answers as it was when the round
 * the asker named opened, a fork of its view (viewFor over the debate replayed up to that
 * event), so it cannot shift its story to fit what came after. It is told the question and
 * given its turn, nothing else of the present. A person answers from the live view.
 */
import type { Seat } from '../protocol/actions.ts';
import { replay } from './replay.ts';
import { currentRound, legalActions } from './turns.ts';
import type { DebateEvent, DebateState } from './types.ts';
import { viewFor, type DebateView } from './view-for.ts';

/** How many of the debate's events the answer to a question asked now comes from (the view after them). */
export function answerPoint(state: DebateState, seat: Seat): number | null {
  const legal = legalActions(state, seat).find((l) => l.type === 'answer');
  const round = currentRound(state);
  if (!legal || !round) return null;
  const question = (round.questions ?? []).find((q) => q.to === seat && q.seat === legal.question.seat);
  const opened = question ? state.rounds[question.round]?.openedAt : undefined;
  return opened === undefined ? null : opened + 1;
}

/**
 * The view of `seat` as it was after the first `at` events, with the turn and the legal
 * action (the question to answer) of `now`. Its bytes hold nothing from after event `at`
 * but the question.
 */
function forkedView(now: DebateState, events: readonly DebateEvent[], seat: Seat, at: number): DebateView {
  const earlier = viewFor(replay(now.header, events.slice(0, at)), seat, { mode: 'replay' });
  const live = viewFor(now, seat);
  return { ...earlier, status: live.status, turn: live.turn, legal: live.legal };
}

/** The view an agent in `seat` acts from now: forked when it answers a cross-examination question, else live. */
export function agentViewFor(state: DebateState, events: readonly DebateEvent[], seat: Seat): DebateView {
  const at = answerPoint(state, seat);
  return at === null ? viewFor(state, seat) : forkedView(state, events, seat, at);
}
