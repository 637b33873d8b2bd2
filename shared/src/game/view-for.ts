import { PROTOCOL_VERSION, type DebaterSeat, type Seat } from '../protocol/actions.ts';
import { evidenceKindOf, type EvidenceKindName } from '../evidence/kinds.ts';
import type { QuoteView, RevealView } from '../evidence/kind.ts';
import type { Rules } from '../rules/rules.ts';
import { voters } from './agreement.ts';
import { questionsDone } from './cross.ts';
import { viewerRole, type SeatRole } from './roles.ts';
import { PROTAGONIST, sidesOf } from './sides.ts';
import { currentRound, legalActions, toMove, type LegalAction } from './turns.ts';
import type { DebateState, DebateStatus, Question, Round, Verdict } from './types.ts';
import type { Segment } from '../evidence/segment.ts';

export interface SpeechView {
  seat: DebaterSeat;
  segments: Segment[];
  chars: number;
  quoteChars: number;
  timedOut: boolean;
}

export interface JudgeTurnView {
  probabilities: number[];
  comment: string;
  end: boolean;
  timedOut: boolean;
}

export interface QuestionView {
  seat: DebaterSeat;
  to: DebaterSeat;
  text: string;
  /** The answer is to come from `to` as it was when this round opened. */
  round: number;
  timedOut: boolean;
}

export interface VoteView {
  seat: Seat;
  end: boolean;
}

export interface RoundView {
  index: number;
  kind: Round['kind'];
  complete: boolean;
  /** In a cross-examination round, the answers (each by the seat that was asked). */
  speeches: SpeechView[];
  judge: JudgeTurnView | null;
  /** Choose rounds (open protocols): which answer the protagonist chose, once it has. */
  choice?: { seat: DebaterSeat; answerIndex: number; timedOut: boolean } | null;
  /** Cross-examination rounds: the questions the seat may see (all of them once the round is complete). */
  questions?: QuestionView[];
  /** Ending by agreement: the votes cast in this round that the seat may see. */
  votes?: VoteView[];
}

/**
 * What one seat may know. This is the only thing any participant, human or AI,
 * receives about a debate: rooms send it, agents read it, the HTTP API serves it.
 */
export interface DebateView {
  protocol: number;
  debateId: string;
  seat: Seat;
  role: SeatRole;
  status: DebateStatus;
  title: string;
  question: string;
  /** Answers in the order shown to everyone in this debate. */
  answers: string[];
  rules: Rules;
  /** Which shown answer each debater argues (open protocols: empty until the protagonist has chosen). */
  debaters: { seat: DebaterSeat; answerIndex: number }[];
  speakingOrder: DebaterSeat[];
  rounds: RoundView[];
  /** The current turn: who is awaited and until when (ms, server clock). */
  turn: { round: number; kind: Round['kind']; toMove: Seat[]; deadline: number | null } | null;
  /** What this seat may do now. */
  legal: LegalAction[];
  /** What kind of evidence the debaters hold. */
  evidenceKind: EvidenceKindName;
  /** Verified quotes this seat has seen, in passage order. */
  quotes: QuoteView[];
  /** Pixels this seat has seen revealed (image evidence), in reveal order. */
  reveals: RevealView[];
  speechRounds: number;
  continues: number;
  /** Debaters, and the judge and observers when the rules let the judge see the evidence: the passage itself. */
  passage?: { text: string };
  /** Debaters, the judge under an expert-judge protocol, and everyone once the debate is over: the whole image. */
  image?: { width: number; height: number; pixels: string };
  /** Debaters, and everyone once the debate is over. */
  correctIndex?: number;
  verdict?: Verdict;
  /** Why the debate ended without a verdict (status `ended`). */
  endReason?: string;
  /**
   * Ending by agreement (rules with `endByAgreement`): who votes, each one's latest vote
   * this seat may see, whether they all agree (by those votes), and whether this seat may vote now.
   */
  agreement?: { voters: Seat[]; votes: VoteView[]; reached: boolean; mayVote: boolean };
}

function speechView(s: Round['speeches'][number]): SpeechView {
  return { seat: s.seat, segments: s.segments, chars: s.chars, quoteChars: s.quoteChars, timedOut: s.timedOut };
}

/**
 * Views of rounds whose every speech may be shown, by round. Such a view is the same for
 * every seat that may see it, and a round the next action leaves alone is the same object
 * in the next state (the engine replaces only what changes), so successive views share it:
 * building a view and comparing two stay cheap however long the debate has been.
 */
const openRoundViews = new WeakMap<Round, RoundView>();

const questionView = (q: Question): QuestionView => ({ seat: q.seat, to: q.to, text: q.text, round: q.round, timedOut: q.timedOut });

function roundView(r: Round, speeches: SpeechView[], questions: Question[] | undefined, votes: Round['votes']): RoundView {
  const judge = r.judge ? { probabilities: r.judge.probabilities, comment: r.judge.comment, end: r.judge.end, timedOut: r.judge.timedOut } : null;
  const view: RoundView = { index: r.index, kind: r.kind, complete: r.complete, speeches, judge };
  if (r.kind === 'choose') view.choice = r.choice ? { seat: r.choice.seat, answerIndex: r.choice.answer, timedOut: r.choice.timedOut } : null;
  if (r.kind === 'cross') view.questions = (questions ?? []).map(questionView);
  if (votes?.length) view.votes = votes.map((v) => ({ seat: v.seat, end: v.end }));
  return view;
}

/**
 * The rounds a seat may see: debaters see their own and already-released speeches;
 * others only complete rounds; `everything` (the full view) sees every speech. In a
 * cross-examination round a debater sees its own question, every question once all are
 * in, and its own answer; the judge and observers see it once it is complete. Votes to end
 * are the debaters' to see at once; the judge and observers see those of a speech round
 * once it is complete (and those cast during a judge turn at once: nothing is hidden then),
 * and a voting judge its own at once.
 */
function visibleRounds(state: DebateState, seat: Seat, isDebater: boolean, everything = false): RoundView[] {
  return state.rounds.map((r) => {
    if (r.complete || everything || (isDebater && r.kind === 'sequential')) {
      let view = openRoundViews.get(r);
      if (!view) openRoundViews.set(r, (view = roundView(r, r.speeches.map(speechView), r.questions, r.votes)));
      return view;
    }
    const speeches = isDebater ? r.speeches.filter((s) => s.seat === seat).map(speechView) : [];
    const questions = !isDebater ? [] : questionsDone(state, r) ? r.questions : r.questions?.filter((q) => q.seat === seat);
    const votes = isDebater || r.kind === 'judge' ? r.votes : r.votes?.filter((v) => v.seat === seat);
    return roundView(r, speeches, questions, votes);
  });
}

/**
 * Who a seat sees as awaited, and until when. Judges and observers learn neither who
 * has already spoken in a speech round nor when (both could hint at who is lying); in
 * a simultaneous round a debater learns only whether it has spoken itself.
 */
function awaited(state: DebateState, round: Round, seat: Seat, isDebater: boolean): { toMove: Seat[]; deadline: number | null } {
  const order = state.header.assignment.speakingOrder;
  if (round.kind === 'judge') return { toMove: ['judge'], deadline: state.deadline };
  if (round.kind === 'choose') return { toMove: [PROTAGONIST], deadline: isDebater ? state.deadline : null };
  if (!isDebater) return { toMove: [...order], deadline: null };
  if (round.kind === 'cross') {
    // Like a simultaneous round: a debater learns whether it has itself asked, then answered.
    if (!questionsDone(state, round)) {
      const asked = (round.questions ?? []).some((q) => q.seat === seat);
      return { toMove: order.filter((s) => s !== seat || !asked), deadline: state.deadline };
    }
    const mine = toMove(state).includes(seat);
    return { toMove: order.filter((s) => s !== seat || mine), deadline: state.deadline };
  }
  if (round.kind === 'simultaneous') {
    const spoke = round.speeches.some((s) => s.seat === seat);
    return { toMove: order.filter((s) => s !== seat || !spoke), deadline: state.deadline };
  }
  return { toMove: toMove(state), deadline: state.deadline };
}

/**
 * How a view is cut. `live` (the default): what the seat holds now, with its deadline
 * and legal actions. `replay`: the same content without deadlines or legal actions
 * (absolute times in a step-by-step replay would tell when each event happened).
 * `full`: everything, for researchers and finished public debates: every speech
 * (unreleased ones included), the evidence and the correct answer; the seat is then
 * ignored and the view is the observer's role with nothing withheld.
 */
export type ViewMode = 'live' | 'replay' | 'full';

export interface ViewOptions {
  mode?: ViewMode;
}

/**
 * viewFor(state, seat): the one gate for hidden information. Every participant's
 * view, every step of a replay and the researchers' "everything" come from here.
 */
export function viewFor(state: DebateState, seat: Seat, options: ViewOptions = {}): DebateView {
  const mode = options.mode ?? 'live';
  if (mode === 'full') return fullView(state);
  const view = seatView(state, seat);
  if (mode === 'replay') return { ...view, legal: [], turn: view.turn && { ...view.turn, deadline: null } };
  return view;
}

/**
 * Everything at one moment: all speeches (even those of an unfinished round), the
 * evidence and the correct answer, without deadlines or legal actions. Only for
 * those the access policy allows to see everything (researchers; anyone once a
 * public debate is finished).
 */
export function fullView(state: DebateState): DebateView {
  const { header } = state;
  const base = seatView(state, 'observer');
  const rounds = visibleRounds(state, 'observer', false, true);
  const evidence = header.scenario.evidence;
  const view: DebateView = {
    ...base,
    rounds,
    ...evidenceKindOf(header.scenario.evidence).cited(rounds),
    legal: [],
    turn: base.turn && { ...base.turn, toMove: toMove(state), deadline: null },
    correctIndex: header.assignment.correctIndex,
  };
  // Everything the evidence holds, as a debater sees it.
  Object.assign(view, evidenceKindOf(evidence).shown(evidence, { debater: true, judgeSeesEvidence: true, finished: true }));
  if (state.verdict) view.verdict = state.verdict;
  const agreement = agreementView(state, rounds, 'observer');
  if (agreement) view.agreement = agreement;
  return view;
}

function seatView(state: DebateState, seat: Seat): DebateView {
  const { header } = state;
  const role = viewerRole(header, seat);
  const isDebater = role === 'debater';
  const finished = state.status === 'finished';
  const rounds = visibleRounds(state, seat, isDebater);
  const round = currentRound(state);
  let turn: DebateView['turn'] = null;
  if (round) turn = { round: round.index, kind: round.kind, ...awaited(state, round, seat, isDebater) };
  const view: DebateView = {
    protocol: PROTOCOL_VERSION,
    debateId: header.id,
    seat,
    role,
    status: state.status,
    title: header.scenario.title,
    question: header.scenario.question,
    answers: header.assignment.answerOrder.map((i) => header.scenario.answers[i] as string),
    rules: header.rules,
    debaters: Object.entries(sidesOf(state) ?? {}).map(([s, answerIndex]) => ({ seat: s as DebaterSeat, answerIndex })),
    speakingOrder: header.assignment.speakingOrder,
    rounds,
    turn,
    legal: role === 'observer' ? [] : legalActions(state, seat),
    evidenceKind: header.scenario.evidence.kind,
    ...evidenceKindOf(header.scenario.evidence).cited(rounds),
    speechRounds: state.speechRounds,
    continues: state.continues,
  };
  // Before the fields that appear only later (the evidence shown, the answer, the verdict): a view's changes keep the key order.
  const agreement = agreementView(state, rounds, seat);
  if (agreement) view.agreement = agreement;
  const evidence = header.scenario.evidence;
  // What the verdict reveals to the judge and observers (the correct answer, the scores, the evidence), unless the rules withhold it.
  const outcomeShown = finished && header.rules.revealOutcome;
  Object.assign(view, evidenceKindOf(evidence).shown(evidence, { debater: isDebater, judgeSeesEvidence: header.rules.judgeSeesEvidence, finished: outcomeShown }));
  if (isDebater || outcomeShown) view.correctIndex = header.assignment.correctIndex;
  if ((isDebater ? finished : outcomeShown) && state.verdict) view.verdict = state.verdict;
  if (state.status === 'ended' && state.endReason) view.endReason = state.endReason;
  return view;
}

/** The agreement part of a view, from the votes the seat may see (never from hidden ones). */
function agreementView(state: DebateState, rounds: RoundView[], seat: Seat): DebateView['agreement'] | undefined {
  const seats = voters(state);
  if (seats.length === 0) return undefined;
  const latest = new Map<Seat, boolean>();
  for (const r of rounds) for (const v of r.votes ?? []) latest.set(v.seat, v.end);
  const votes = [...latest].map(([s, end]) => ({ seat: s, end }));
  return { voters: seats, votes, reached: seats.every((s) => latest.get(s) === true), mayVote: state.status === 'running' && seats.includes(seat) };
}
