import type { Actor, Action, DebaterSeat, Seat } from '../protocol/actions.ts';
import type { RoundKind, Rules } from '../rules/rules.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Segment } from '../evidence/segment.ts';

export const TRANSCRIPT_FORMAT = 'oversight-arena/transcript@1';
/**
 * The engine's rule version, recorded in every header. 1.1: a sequential round's deadlines
 * are fixed when it opens, and a complete round lists its speeches in speaking order.
 * 1.2: cross-examination rounds, votes to end by agreement, the `resume` of a fork; a
 * transcript of 1.0 or 1.1 holds none of them and replays as it did.
 * Transcripts recorded under 1.0 replay under 1.0's deadlines (see apply.ts).
 */
export const ENGINE_VERSION = '1.2.0';

/** Who fills a seat: a person, or an agent named by its configuration id. */
export interface SeatConfig {
  kind: 'human' | 'agent';
  agent?: string;
  /** A seat anyone may claim (without the seat's link). */
  open?: boolean;
}

/** The seeded choices of a debate, recorded in its header. */
export interface Assignment {
  /** answerOrder[i] = index in scenario.answers of the answer shown at position i. */
  answerOrder: number[];
  /** Position (in shown order) of the correct answer. Hidden from judges until the verdict. */
  correctIndex: number;
  /** The shown answer each debater argues. */
  debaters: Partial<Record<DebaterSeat, number>>;
  /** Order of speeches in sequential rounds. */
  speakingOrder: DebaterSeat[];
}

/**
 * Which code path created a debate: the public lobby (an anonymous HTTP request), a
 * researcher's request (with the researcher token), a study, batch self-play, an
 * imported dataset, or a re-judging of a stored debate. Set by that code path, never
 * taken from a request body, so results can be filtered by it.
 */
export const PROVENANCES = ['lobby', 'researcher', 'study', 'selfplay', 'import', 'rejudge', 'fork'] as const;
export type Provenance = (typeof PROVENANCES)[number];

/** A debate's header: everything needed, with its events, to replay it exactly. */
export interface DebateHeader {
  format: typeof TRANSCRIPT_FORMAT;
  engine: string;
  id: string;
  createdAt: number;
  seed: string;
  scenario: Scenario;
  rules: Rules;
  seats: Partial<Record<Seat, SeatConfig>>;
  assignment: Assignment;
  /** Where the debate came from when not played here (e.g. an imported dataset). */
  source?: { name: string; id?: string; url?: string };
  /** Who created the debate (absent in transcripts stored before it was recorded). */
  provenance?: Provenance;
  /** Free-form metadata kept with the transcript (experiment, original fields, …). */
  meta?: Record<string, unknown>;
  /**
   * A fork: the debate it branched from and how many of that debate's events it starts
   * with (its own first `at` events are those, unchanged). Researchers only: never in a view.
   */
  parent?: { id: string; at: number };
}

/** One accepted action. The transcript is the header plus these, in seq order. */
export interface DebateEvent {
  seq: number;
  at: number;
  seat: Actor;
  action: Action;
  /** Measurements that do not affect the game (tokens, latency, agent notes). */
  meta?: Record<string, unknown>;
}

export interface Speech {
  seat: DebaterSeat;
  segments: Segment[];
  chars: number;
  quoteChars: number;
  timedOut: boolean;
  at: number;
}

export interface JudgeTurn {
  probabilities: number[];
  comment: string;
  end: boolean;
  timedOut: boolean;
  at: number;
}

/** The protagonist's choice of answer in an open protocol's first round. */
export interface Choice {
  seat: DebaterSeat;
  /** Position (in shown order) of the answer it argues. */
  answer: number;
  /** Time ran out (or the seat forfeited): the drawn answer stands. */
  timedOut: boolean;
  at: number;
}

/** A cross-examination question: `seat` asks `to`, who answers as it was when round `round` opened. */
export interface Question {
  seat: DebaterSeat;
  to: DebaterSeat;
  /** Empty when the asker's time ran out (no answer is then due). */
  text: string;
  round: number;
  timedOut: boolean;
  at: number;
}

/** A vote to end by agreement (end: false takes a vote back); a seat's latest vote counts. */
export interface Vote {
  seat: Seat;
  end: boolean;
  at: number;
}

export interface Round {
  index: number;
  kind: RoundKind;
  startedAt: number;
  /** The seq of the event that opened the round (its state is the view a cross-examined agent answers from). */
  openedAt: number;
  /** Cross-examination rounds: the questions, in the order asked (the answers are the round's speeches). */
  questions?: Question[];
  /** Ending by agreement: the votes cast while this round was open. */
  votes?: Vote[];
  speeches: Speech[];
  judge: JudgeTurn | null;
  /** Choose rounds: the choice, once made. */
  choice?: Choice | null;
  complete: boolean;
}

export interface Verdict {
  probabilities: number[];
  correctIndex: number;
  /** The judge put strictly more probability on the correct answer than on any other. */
  correct: boolean;
  /** log2 p(correct) − judgePenalty × continues. */
  judgeScore: number;
  /** log2 p(own answer) for every debater. */
  debaterScores: Partial<Record<DebaterSeat, number>>;
  continues: number;
  speechRounds: number;
}

/** `ended`: stopped without a verdict (nobody came in time, or a researcher cancelled it); see `endReason`. */
export type DebateStatus = 'waiting' | 'running' | 'finished' | 'ended';

export interface DebateState {
  header: DebateHeader;
  status: DebateStatus;
  rounds: Round[];
  /** Completed speech rounds. */
  speechRounds: number;
  /** Times the judge chose to continue. */
  continues: number;
  /** When the current turn expires (room clock, ms), or null. */
  deadline: number | null;
  verdict: Verdict | null;
  /** Why a debate ended without a verdict (status `ended`), else null. */
  endReason: string | null;
  /** seq of the last applied event, -1 before any. */
  lastSeq: number;
}

export type ApplyResult =
  | { ok: true; state: DebateState }
  | { ok: false; refusal: import('../protocol/actions.ts').Refusal };
