import type { Action, Actor, DebaterSeat, Refusal, Seat } from '../protocol/actions.ts';
import { resolveSpeech } from '../evidence/speech.ts';
import { crossLimits, roundKindAt } from '../rules/rules.ts';
import { log2Score, probabilityProblem, uniform } from '../scoring/scoring.ts';
import { judgedCorrect } from '../stats/verdict.ts';
import { opponentOf, questionsDone } from './cross.ts';
import { lastVoteOfEachSeat, voters } from './agreement.ts';
import { roleMayTake, roleOf, roleRefusalMessage, type Role } from './roles.ts';
import { sidesOf } from './sides.ts';
import { canContinue, canEnd, currentRound, legalActions, nextRoundIndex, toMove } from './turns.ts';
import type { ApplyResult, Choice, DebateState, JudgeTurn, Question, Round, Speech, Verdict } from './types.ts';

const refuse = (code: Refusal['code'], message: string): ApplyResult => ({ ok: false, refusal: { code, message } });

/**
 * apply(state, action, actor, now): the next state, or a typed refusal. Pure: the
 * input state is not modified, and time comes in as `now` (ms on the room clock).
 */
export function apply(state: DebateState, action: Action, actor: Actor, now: number): ApplyResult {
  // Who may take which kind of action is decided before anything else, from the role alone.
  const role = roleOf(state.header, actor);
  if (role === null) return refuse('not-a-participant', `this debate has no seat ${actor}`);
  if (!roleMayTake(role, action.type)) return refuse('not-your-role', roleRefusalMessage(role, action.type));
  switch (action.type) {
    case 'start':
      if (state.status !== 'waiting') return refuse('finished', 'the debate has already started');
      return ok(openRound({ ...state, status: 'running' }, 0, now));
    case 'timeout':
      if (state.status !== 'running') return refuse(state.status === 'waiting' ? 'not-started' : 'finished', 'no turn is running');
      if (state.deadline === null || now < state.deadline) return refuse('too-early', 'the turn has time left');
      return ok(expire(state, toMove(state), now));
    case 'abandon':
      if (state.status === 'finished' || state.status === 'ended') return refuse('finished', 'the debate is over');
      return ok({ ...state, status: 'ended', deadline: null, endReason: action.reason });
    case 'forfeit':
      if (state.status !== 'running') return refuse(state.status === 'waiting' ? 'not-started' : 'finished', 'no turn is running');
      if (!toMove(state).includes(action.seat)) return refuse('not-your-turn', `seat ${action.seat} has no turn to forfeit`);
      return ok(expire(state, [action.seat], now));
    case 'resume':
      if (state.status !== 'running') return refuse(state.status === 'waiting' ? 'not-started' : 'finished', 'no turn is running');
      return ok(resume(state, now));
    case 'vote':
      return vote(state, action, actor as Seat, now);
    case 'speech':
    case 'judge':
    case 'choose':
    case 'question':
    case 'answer': {
      const problem = turnProblem(state, action.type, actor as Seat, role);
      if (problem) return problem;
      switch (action.type) {
        case 'choose':
          return choose(state, action, actor as DebaterSeat, now);
        case 'question':
          return ask(state, action, actor as DebaterSeat, now);
        case 'answer':
          return answer(state, action, actor as DebaterSeat, now);
        case 'speech':
          return speak(state, action, actor as DebaterSeat, now);
        case 'judge':
          return judge(state, action, now);
      }
    }
  }
}

function ok(state: DebateState): ApplyResult {
  return { ok: true, state: { ...state, lastSeq: state.lastSeq + 1 } };
}

/**
 * Why `seat` may not take an action of this type now, or null. The answer is built
 * only from what the seat's own view holds: a judge or an observer learns nothing
 * about which debater has already spoken (their view hides it), a debater learns only
 * what its view of the round shows.
 */
function turnProblem(state: DebateState, type: 'speech' | 'judge' | 'choose' | 'question' | 'answer', seat: Seat, role: Role): ApplyResult | null {
  if (state.status === 'waiting') return refuse('not-started', 'the debate has not started yet');
  if (state.status === 'finished' || state.status === 'ended') return refuse('finished', 'the debate is over');
  if (legalActions(state, seat).some((l) => l.type === type)) return null;
  const round = currentRound(state) as Round;
  if (round.kind === 'judge') return refuse('not-your-turn', 'it is the judge’s turn');
  if (round.kind === 'choose') return refuse('not-your-turn', 'the debate opens with the protagonist choosing its answer');
  if (type === 'choose') return refuse('not-your-turn', 'answers are chosen only in the first round of an open protocol');
  if (role !== 'debater') return refuse('not-your-turn', 'the debaters are speaking; the judge’s turn comes when the round is complete');
  if (round.kind === 'cross') {
    if (type === 'speech') return refuse('not-your-turn', 'this is a cross-examination round: ask your question, then answer the one put to you');
    if (type === 'answer' && !questionsDone(state, round)) return refuse('not-your-turn', 'the questions are not all in yet');
    if (type === 'answer') return refuse('not-your-turn', 'no question is waiting for your answer');
    return refuse('already-spoke', 'you have already asked your question this round');
  }
  if (type === 'question' || type === 'answer') return refuse('not-your-turn', 'questions and answers belong to a cross-examination round');
  if (round.speeches.some((s) => s.seat === seat)) return refuse('already-spoke', 'you have already spoken this round');
  return refuse('not-your-turn', `it is not your turn (waiting for ${toMove(state).join(', ')})`);
}

/** Replaces the current (last) round. */
function withRound(state: DebateState, round: Round): DebateState {
  return { ...state, rounds: [...state.rounds.slice(0, -1), round] };
}

/** A choose round has a speech's time. */
function deadlineFor(state: DebateState, kind: Round['kind'], now: number): number | null {
  const seconds = kind === 'judge' ? state.header.rules.judgeSeconds : state.header.rules.speechSeconds;
  return seconds === null ? null : now + seconds * 1000;
}

/**
 * The deadline of the next speaker in a sequential round: its slot's end, fixed when the
 * round opened. Transcripts recorded by engine 1.0 gave each speaker a full turn from the
 * previous speech (which told the judge when a hidden speech arrived); they replay so.
 */
function nextSpeakerDeadline(state: DebateState, round: Round, now: number): number | null {
  const seconds = state.header.rules.speechSeconds;
  if (seconds === null) return null;
  if (state.header.engine === '1.0.0') return now + seconds * 1000;
  const spoken = (currentRound(state) as Round).speeches.length;
  return round.startedAt + (spoken + 1) * seconds * 1000;
}

/** Opens round `index`; past the end of the schedule that is a final judge round, so every debate can end. */
function openRound(state: DebateState, index: number, now: number): DebateState {
  const kind = roundKindAt(state.header.rules, index) ?? 'judge';
  const round: Round = {
    index,
    kind,
    startedAt: now,
    openedAt: state.lastSeq + 1,
    speeches: [],
    judge: null,
    ...(kind === 'choose' ? { choice: null } : {}),
    ...(kind === 'cross' ? { questions: [] } : {}),
    complete: false,
  };
  return { ...state, rounds: [...state.rounds, round], deadline: deadlineFor(state, kind, now) };
}

/** The protagonist's choice of answer; the choose round completes and the schedule moves on. */
function choose(state: DebateState, action: Extract<Action, { type: 'choose' }>, seat: DebaterSeat, now: number): ApplyResult {
  const n = state.header.scenario.answers.length;
  if (action.answer >= n) return refuse('bad-choice', `there are ${n} answers: choose a position from 0 to ${n - 1}`);
  return ok(recordChoice(state, { seat, answer: action.answer, timedOut: false, at: now }, now));
}

function recordChoice(state: DebateState, choice: Choice, now: number): DebateState {
  const round = currentRound(state) as Round;
  const next = withRound(state, { ...round, choice, complete: true });
  return openRound(next, nextRoundIndex(next, round.index) ?? round.index + 1, now);
}

function speak(state: DebateState, action: Extract<Action, { type: 'speech' }>, seat: DebaterSeat, now: number): ApplyResult {
  const previous = state.rounds.flatMap((r) => r.speeches.flatMap((s) => s.segments));
  const resolved = resolveSpeech(state.header.scenario.evidence, action, state.header.rules, previous);
  if ('code' in resolved) return { ok: false, refusal: resolved };
  return ok(addSpeeches(state, [{ seat, ...resolved, timedOut: false, at: now }], now));
}

/**
 * Records speeches; completes the round and opens the next when nobody is left to speak.
 * Nothing a judge can see depends on when or in which order hidden speeches arrived: a
 * complete round lists its speeches in the speaking order, and a sequential round's
 * deadlines are fixed when it opens (speaker k of the round must speak by
 * startedAt + k × speechSeconds), so when a later speaker times out the round still
 * ends at a time that says nothing of when the earlier ones spoke.
 */
function addSpeeches(state: DebateState, speeches: Speech[], now: number): DebateState {
  const round = currentRound(state) as Round;
  let next = withRound(state, { ...round, speeches: [...round.speeches, ...speeches] });
  if (toMove(next).length > 0) {
    return round.kind === 'sequential' ? { ...next, deadline: nextSpeakerDeadline(next, round, now) } : next;
  }
  return completeSpeechRound(next, now);
}

/** A round of speeches (or a cross-examination) whose every turn is taken: completed, and the next one opened. */
function completeSpeechRound(state: DebateState, now: number): DebateState {
  const round = currentRound(state) as Round;
  const order = state.header.assignment.speakingOrder;
  const bySpeaker = (a: { seat: DebaterSeat }, b: { seat: DebaterSeat }) => order.indexOf(a.seat) - order.indexOf(b.seat);
  // Nothing of the order in which hidden speeches, questions, answers or votes arrived survives:
  // of the votes, each seat's latest in the round, debaters in speaking order, the judge last.
  const questions = round.questions ? { questions: [...round.questions].sort(bySpeaker) } : {};
  const votes = round.votes ? { votes: lastVoteOfEachSeat(round.votes).sort((a, b) => seatRank(order, a.seat) - seatRank(order, b.seat)) } : {};
  let next = withRound(state, { ...round, speeches: [...round.speeches].sort(bySpeaker), ...questions, ...votes, complete: true });
  next = { ...next, speechRounds: next.speechRounds + 1 };
  // A schedule that ends on speeches still ends with the judge's decision.
  return openRound(next, nextRoundIndex(next, round.index) ?? round.index + 1, now);
}

/** A seat's place when a round's votes are listed: the debaters in speaking order, then the judge. */
function seatRank(order: readonly DebaterSeat[], seat: Seat): number {
  const i = order.indexOf(seat as DebaterSeat);
  return i === -1 ? order.length : i;
}

/** A cross-examination question to the opponent; its answer is to come from the opponent as it was when round `round` opened. */
function ask(state: DebateState, action: Extract<Action, { type: 'question' }>, seat: DebaterSeat, now: number): ApplyResult {
  const round = currentRound(state) as Round;
  const text = action.text.trim();
  if (!text) return refuse('bad-question', 'the question is empty');
  const limit = crossLimits(state.header.rules).questionChars;
  if (text.length > limit) return refuse('over-char-limit', `the question has ${text.length} characters; the limit is ${limit}`);
  const from = action.round ?? round.index;
  if (from > round.index) return refuse('bad-question', `the answer can come from the opponent as it was at round ${round.index} at the latest`);
  return ok(addQuestions(state, [{ seat, to: opponentOf(state, seat), text, round: from, timedOut: false, at: now }], now));
}

/** Records questions; once all are in, the answers are due (a fresh turn), or the round completes when none is. */
function addQuestions(state: DebateState, questions: Question[], now: number): DebateState {
  const round = currentRound(state) as Round;
  const next = withRound(state, { ...round, questions: [...(round.questions ?? []), ...questions] });
  const updated = currentRound(next) as Round;
  if (!questionsDone(next, updated)) return next;
  if (toMove(next).length === 0) return completeSpeechRound(next, now);
  return { ...next, deadline: deadlineFor(next, 'cross', now) };
}

/** The answer to the question put to `seat`: checked and limited like a speech, with the answer limits. */
function answer(state: DebateState, action: Extract<Action, { type: 'answer' }>, seat: DebaterSeat, now: number): ApplyResult {
  const { rules, scenario } = state.header;
  const previous = state.rounds.flatMap((r) => r.speeches.flatMap((s) => s.segments));
  const speech = action.segments !== undefined ? { type: 'speech' as const, segments: action.segments } : { type: 'speech' as const, text: action.text ?? '' };
  const resolved = resolveSpeech(scenario.evidence, speech, { ...rules, speechChars: crossLimits(rules).answerChars, quoteChars: crossLimits(rules).answerQuoteChars }, previous);
  if ('code' in resolved) return { ok: false, refusal: resolved };
  return ok(addSpeeches(state, [{ seat, ...resolved, timedOut: false, at: now }], now));
}

/** A vote to end by agreement; any time while the debate runs, by a voter of these rules. */
function vote(state: DebateState, action: Extract<Action, { type: 'vote' }>, seat: Seat, now: number): ApplyResult {
  const mode = state.header.rules.endByAgreement ?? 'off';
  if (mode === 'off') return refuse('no-agreement', 'these rules have no ending by agreement');
  if (!voters(state).includes(seat)) return refuse('no-agreement', 'under these rules only the debaters vote to end');
  if (state.status === 'waiting') return refuse('not-started', 'the debate has not started yet');
  if (state.status !== 'running') return refuse('finished', 'the debate is over');
  const round = currentRound(state) as Round;
  return ok(withRound(state, { ...round, votes: [...(round.votes ?? []), { seat, end: action.end, at: now }] }));
}

/**
 * A fork continues live: the current turn gets its whole time again from `now`. A
 * sequential round's slots move with it (the next speaker's slot ends `speechSeconds` from now).
 */
function resume(state: DebateState, now: number): DebateState {
  const round = currentRound(state) as Round;
  const seconds = round.kind === 'judge' ? state.header.rules.judgeSeconds : state.header.rules.speechSeconds;
  const spoken = round.kind === 'sequential' ? round.speeches.length : 0;
  const startedAt = seconds === null ? now : now - spoken * seconds * 1000;
  const next = withRound(state, { ...round, startedAt });
  return { ...next, deadline: seconds === null ? null : now + seconds * 1000 };
}

function judge(state: DebateState, action: Extract<Action, { type: 'judge' }>, now: number): ApplyResult {
  const { rules, scenario } = state.header;
  const problem = probabilityProblem(action.probabilities, scenario.answers.length);
  if (problem) return refuse('bad-probabilities', problem);
  const comment = action.comment ?? '';
  if (comment.length > rules.judgeCommentChars) {
    return refuse('comment-too-long', `the comment has ${comment.length} characters; the limit is ${rules.judgeCommentChars}`);
  }
  if (action.end && !canEnd(state)) {
    return refuse('cannot-end-yet', `the judge may end after ${rules.minSpeechRoundsBeforeEnd} speech round(s)`);
  }
  if (!action.end && !canContinue(state)) return refuse('cannot-continue', 'no rounds are left: the judge must end the debate');
  return ok(judgeTurn(state, { probabilities: [...action.probabilities], comment, end: action.end, timedOut: false, at: now }, now));
}

function judgeTurn(state: DebateState, turn: JudgeTurn, now: number): DebateState {
  const round = currentRound(state) as Round;
  const next = withRound(state, { ...round, judge: turn, complete: true });
  if (turn.end) return { ...next, status: 'finished', deadline: null, verdict: verdictOf(next, turn) };
  const continued = { ...next, continues: next.continues + 1 };
  const index = nextRoundIndex(continued, round.index);
  if (index === null) throw new Error('continue was allowed with no round left');
  return openRound(continued, index, now);
}

/** What happens when a turn's time runs out for `seats` (see Rules.speechSeconds / judgeSeconds). */
function expire(state: DebateState, seats: readonly string[], now: number): DebateState {
  const round = currentRound(state) as Round;
  if (round.kind === 'choose') {
    // The drawn answer stands.
    const seat = seats[0] as DebaterSeat;
    return recordChoice(state, { seat, answer: state.header.assignment.debaters[seat] ?? 0, timedOut: true, at: now }, now);
  }
  if (round.kind === 'cross' && !questionsDone(state, round)) {
    const late = seats.map((seat): Question => ({ seat: seat as DebaterSeat, to: opponentOf(state, seat as DebaterSeat), text: '', round: round.index, timedOut: true, at: now }));
    return addQuestions(state, late, now);
  }
  if (round.kind !== 'judge') {
    const late = seats.map(
      (seat): Speech => ({ seat: seat as DebaterSeat, segments: [], chars: 0, quoteChars: 0, timedOut: true, at: now }),
    );
    return addSpeeches(state, late, now);
  }
  const last = lastProbabilities(state) ?? uniform(state.header.scenario.answers.length);
  const end = !canContinue(state);
  return judgeTurn(state, { probabilities: last, comment: '', end, timedOut: true, at: now }, now);
}

export function lastProbabilities(state: DebateState): number[] | null {
  for (let i = state.rounds.length - 1; i >= 0; i--) {
    const turn = state.rounds[i]?.judge;
    if (turn) return turn.probabilities;
  }
  return null;
}

function verdictOf(state: DebateState, turn: JudgeTurn): Verdict {
  const { assignment, rules } = state.header;
  const sides = sidesOf(state) ?? assignment.debaters;
  const p = turn.probabilities;
  const c = assignment.correctIndex;
  const pc = p[c] ?? 0;
  const debaterScores: Verdict['debaterScores'] = {};
  for (const [seat, answer] of Object.entries(sides)) {
    debaterScores[seat as DebaterSeat] = Math.log2(p[answer] ?? 0);
  }
  return {
    probabilities: p,
    correctIndex: c,
    correct: judgedCorrect(p, c),
    judgeScore: log2Score(pc, state.continues, rules.judgePenalty),
    debaterScores,
    continues: state.continues,
    speechRounds: state.speechRounds,
  };
}
