import type { DebaterSeat, Seat } from '../protocol/actions.ts';
import { crossLimits, roundKindAt } from '../rules/rules.ts';
import { agreedToEnd } from './agreement.ts';
import { crossToMove, opponentOf, questionTo } from './cross.ts';
import { seatRole } from './roles.ts';
import { PROTAGONIST } from './sides.ts';
import type { DebateState, Round } from './types.ts';

/** The round in progress, or null when the debate has not started or is over. */
export function currentRound(state: DebateState): Round | null {
  if (state.status !== 'running') return null;
  return state.rounds[state.rounds.length - 1] ?? null;
}

export function debaterSeats(state: DebateState): DebaterSeat[] {
  return state.header.assignment.speakingOrder;
}

/** Seats whose action the current round waits for. */
export function toMove(state: DebateState): Seat[] {
  const round = currentRound(state);
  if (!round) return [];
  if (round.kind === 'judge') return ['judge'];
  if (round.kind === 'choose') return round.choice ? [] : [PROTAGONIST];
  if (round.kind === 'cross') return crossToMove(state, round);
  const spoken = new Set(round.speeches.map((s) => s.seat));
  const missing = debaterSeats(state).filter((s) => !spoken.has(s));
  return round.kind === 'simultaneous' ? missing : missing.slice(0, 1);
}

/** The index of the next round to open after `index`, skipping speech rounds past the limit (or after an agreement to end). */
export function nextRoundIndex(state: DebateState, index: number): number | null {
  const { rules } = state.header;
  const agreed = agreedToEnd(state);
  for (let i = index + 1; i < index + 1 + rules.opening.length + rules.repeating.length + 1; i++) {
    const kind = roundKindAt(rules, i);
    if (kind === null) return null;
    if (kind === 'judge' || (state.speechRounds < rules.maxSpeechRounds && !agreed)) return i;
  }
  return null;
}

/** Whether the judge, in the current judge round, may ask for more debate. */
export function canContinue(state: DebateState): boolean {
  const round = currentRound(state);
  if (!round || round.kind !== 'judge') return false;
  if (state.speechRounds >= state.header.rules.maxSpeechRounds || agreedToEnd(state)) return false;
  const next = nextRoundIndex(state, round.index);
  // Continuing must lead to at least one more speech before the judge is asked again.
  return next !== null && roundKindAt(state.header.rules, next) !== 'judge';
}

/** Whether the judge, in the current judge round, may end the debate. */
export function canEnd(state: DebateState): boolean {
  const round = currentRound(state);
  if (!round || round.kind !== 'judge') return false;
  return state.speechRounds >= state.header.rules.minSpeechRoundsBeforeEnd || !canContinue(state);
}

export type LegalAction =
  | { type: 'speech'; maxChars: number; maxQuoteChars: number }
  | { type: 'judge'; answers: number; canEnd: boolean; canContinue: boolean; maxCommentChars: number }
  | { type: 'choose'; answers: number }
  /** Cross-examination: ask the opponent a question; `latestRound`: the latest round the answer may come from. */
  | { type: 'question'; to: DebaterSeat; maxChars: number; latestRound: number }
  /** Cross-examination: answer the question `seat` put to you. */
  | { type: 'answer'; question: { seat: DebaterSeat; text: string }; maxChars: number; maxQuoteChars: number };

/** What `seat` may do right now (empty when it is not their turn). */
export function legalActions(state: DebateState, seat: Seat): LegalAction[] {
  if (!toMove(state).includes(seat)) return [];
  const { rules, scenario } = state.header;
  if (seatRole(seat) === 'judge') {
    return [
      {
        type: 'judge',
        answers: scenario.answers.length,
        canEnd: canEnd(state),
        canContinue: canContinue(state),
        maxCommentChars: rules.judgeCommentChars,
      },
    ];
  }
  const round = currentRound(state) as Round;
  if (round.kind === 'choose') return [{ type: 'choose', answers: scenario.answers.length }];
  if (round.kind === 'cross') {
    const question = questionTo(state, round, seat as DebaterSeat);
    if (question) return [{ type: 'answer', question: { seat: question.seat, text: question.text }, maxChars: crossLimits(rules).answerChars, maxQuoteChars: crossLimits(rules).answerQuoteChars }];
    return [{ type: 'question', to: opponentOf(state, seat as DebaterSeat), maxChars: crossLimits(rules).questionChars, latestRound: round.index }];
  }
  return [{ type: 'speech', maxChars: rules.speechChars, maxQuoteChars: rules.quoteChars }];
}
