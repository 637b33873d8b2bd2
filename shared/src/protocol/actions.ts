import { z } from 'zod';
import { safeText } from './text.ts';

/** Wire protocol version; clients send it on join, the server refuses a mismatch. */
export const PROTOCOL_VERSION = 2;

export const DEBATER_SEATS = ['A', 'B', 'C', 'D'] as const;
export const DebaterSeat = z.enum(DEBATER_SEATS);
export type DebaterSeat = z.infer<typeof DebaterSeat>;

export const Seat = z.enum(['A', 'B', 'C', 'D', 'judge', 'observer']);
export type Seat = z.infer<typeof Seat>;

/** Who performed an event: a seat, or the room itself (start, timeouts). */
export type Actor = Seat | 'system';

/** A piece of a speech as a client sends it: own words, or a token span of the passage. */
export const SegmentInput = z.union([
  z.object({ text: safeText(z.string().max(20000)) }).strict(),
  z.object({ quote: z.tuple([z.number().int().nonnegative(), z.number().int().positive()]) }).strict(),
  /** Image evidence: reveal this pixel (row-major index). */
  z.object({ reveal: z.number().int().nonnegative() }).strict(),
]);
export type SegmentInput = z.infer<typeof SegmentInput>;

const SpeechAction = z
  .object({
    type: z.literal('speech'),
    /** Structured speech (the browser): text and verified spans. */
    segments: z.array(SegmentInput).max(200).optional(),
    /** Free text with <quote>…</quote> (AI debaters); quotes are checked against the passage. */
    text: safeText(z.string().max(40000)).optional(),
  })
  .strict()
  .refine((a) => (a.segments === undefined) !== (a.text === undefined), {
    message: 'a speech has either segments or text, not both',
  });

const JudgeAction = z
  .object({
    type: z.literal('judge'),
    probabilities: z.array(z.number().finite()).min(2).max(4),
    comment: safeText(z.string().max(20000)).optional(),
    end: z.boolean(),
  })
  .strict();

/** Open protocols: the protagonist chooses the answer it will argue (a position in the shown order). */
const ChooseAction = z
  .object({
    type: z.literal('choose'),
    answer: z.number().int().nonnegative().max(3),
  })
  .strict();

/**
 * Cross-examination: a debater's question to its opponent. `round`: the answer comes from
 * the opponent as it was when that round opened (default: the cross-examination round itself).
 */
const QuestionAction = z
  .object({
    type: z.literal('question'),
    text: safeText(z.string().max(20000)),
    round: z.number().int().nonnegative().max(200).optional(),
  })
  .strict();

/** Cross-examination: the answer to the question put to this debater, with quotes like a speech. */
const AnswerAction = z
  .object({
    type: z.literal('answer'),
    segments: z.array(SegmentInput).max(200).optional(),
    text: safeText(z.string().max(40000)).optional(),
  })
  .strict()
  .refine((a) => (a.segments === undefined) !== (a.text === undefined), {
    message: 'an answer has either segments or text, not both',
  });

/** Ending by agreement: a vote to end the debate (or to take back a vote to end). */
const VoteAction = z.object({ type: z.literal('vote'), end: z.boolean() }).strict();

/** What a seated participant may send. */
export const ClientAction = z.union([SpeechAction, JudgeAction, ChooseAction, QuestionAction, AnswerAction, VoteAction]);
export type ClientAction = z.infer<typeof ClientAction>;

/** Actions the room itself takes. */
export const SystemAction = z.union([
  z.object({ type: z.literal('start') }).strict(),
  z.object({ type: z.literal('timeout') }).strict(),
  /** A seat gives up its current turn (an agent that failed twice): the expiry path, for that seat only. */
  z.object({ type: z.literal('forfeit'), seat: Seat, reason: z.string().max(2000) }).strict(),
  /** Ends an unfinished debate without a verdict: nobody came in time, or a researcher cancelled it. */
  z.object({ type: z.literal('abandon'), reason: z.string().min(1).max(2000) }).strict(),
  /** A fork continues live: the current turn gets its whole time again from now (the copied deadline is long past). */
  z.object({ type: z.literal('resume') }).strict(),
]);
export type SystemAction = z.infer<typeof SystemAction>;

export const Action = z.union([ClientAction, SystemAction]);
export type Action = ClientAction | SystemAction;

/** Why an action was refused. The UI shows `message`; programs switch on `code`. */
export const REFUSAL_CODES = [
  'malformed',
  'protocol-version',
  'not-started',
  'finished',
  'not-your-turn',
  'already-spoke',
  'not-a-participant',
  'not-your-role',
  'over-char-limit',
  'over-quote-limit',
  'bad-span',
  'bad-reveal',
  'over-reveal-limit',
  'empty-speech',
  'bad-probabilities',
  'cannot-end-yet',
  'cannot-continue',
  'comment-too-long',
  'bad-choice',
  'bad-question',
  'no-agreement',
  'too-early',
  'seat-taken',
  'seat-not-yours',
  'no-such-seat',
  'not-found',
  'rate-limited',
  'server-error',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  code: RefusalCode;
  message: string;
}
