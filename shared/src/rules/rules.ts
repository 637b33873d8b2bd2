import { z } from 'zod';

/**
 * A protocol is data: a fixed opening of rounds, then a repeating block, with limits.
 * - `judge`: the judge reports a probability per answer and continues or ends.
 * - `simultaneous`: every debater writes a speech; all are released together.
 * - `sequential`: debaters speak one after another in the debate's speaking order;
 *   each sees the speeches before theirs, the judge sees the round once it is complete.
 * - `choose`: open protocols (Kenton et al. 2024) only, and only as the first round: the
 *   protagonist (debater A) chooses which answer to argue; see game/sides.ts.
 * - `cross`: cross-examination (Barnes & Christiano 2020): every debater asks the next one
 *   in speaking order a question (all at once), then each answers the question put to it,
 *   with quotes; an agent answers from its view as it was when a round the questioner
 *   names opened (see game/cross-exam.ts). Debates with a debater per answer only.
 */
export const RoundKind = z.enum(['judge', 'simultaneous', 'sequential', 'choose', 'cross']);
export type RoundKind = z.infer<typeof RoundKind>;

export const Rules = z
  .object({
    preset: z.string().min(1),
    /** Who argues: every answer has a debater, one consultant, or no debater at all. */
    debaters: z.enum(['all', 'one', 'none']),
    opening: z.array(RoundKind).min(1),
    repeating: z.array(RoundKind),
    /** Maximum characters in a speech, quotes included. */
    speechChars: z.number().int().positive().max(20000),
    /** Maximum characters of a speech that may be quoted evidence. */
    quoteChars: z.number().int().nonnegative().max(20000),
    /** Speech rounds after which the judge must end. */
    maxSpeechRounds: z.number().int().nonnegative().max(50),
    /** Speech rounds that must be complete before the judge may end. */
    minSpeechRoundsBeforeEnd: z.number().int().nonnegative().max(50),
    /** Seconds a debater has for a speech; null for no limit. On expiry the speech is recorded empty. */
    speechSeconds: z.number().positive().max(86400).nullable(),
    /** Seconds the judge has for a turn; null for no limit. On expiry the judge's last
     *  probabilities stand (uniform if none) and the debate continues if it can, else ends. */
    judgeSeconds: z.number().positive().max(86400).nullable(),
    /** Subtracted from the judge's log2 score for every time the judge continues. */
    judgePenalty: z.number().nonnegative().max(10),
    /** Image evidence: pixels a speech may reveal (0 for passage protocols). */
    revealsPerSpeech: z.number().int().nonnegative().max(100).default(0),
    /** Maximum characters of a judge's comment or question. */
    judgeCommentChars: z.number().int().nonnegative().max(20000),
    /** The judge (and an observer) sees the evidence itself: the expert judge, an upper bound. */
    judgeSeesEvidence: z.boolean().default(false),
    /**
     * After the verdict the judge and observers see the correct answer, the scores and the
     * evidence; false: they never do (a study that gives feedback at its end, or never).
     */
    revealOutcome: z.boolean().default(true),
    /** Cross-examination rounds: the most characters of a question (default 300; see crossLimits). */
    questionChars: z.number().int().positive().max(20000).optional(),
    /** Cross-examination rounds: the most characters of an answer, quotes included (default 500). */
    answerChars: z.number().int().positive().max(20000).optional(),
    /** Cross-examination rounds: the most characters of an answer that may be quoted evidence (default 250). */
    answerQuoteChars: z.number().int().nonnegative().max(20000).optional(),
    /**
     * Ending by agreement: `debaters` — once every debater's latest vote is to end, the next
     * judge turn is the last (no more speech rounds); `all` — the judge's vote is needed too;
     * `off` (or absent, as in every transcript recorded before it existed) — no votes.
     */
    endByAgreement: z.enum(['off', 'debaters', 'all']).optional(),
  })
  .refine((r) => r.quoteChars <= r.speechChars, { message: 'quoteChars cannot exceed speechChars', path: ['quoteChars'] })
  .refine((r) => r.minSpeechRoundsBeforeEnd <= r.maxSpeechRounds, {
    message: 'minSpeechRoundsBeforeEnd cannot exceed maxSpeechRounds',
    path: ['minSpeechRoundsBeforeEnd'],
  })
  .refine((r) => r.debaters !== 'none' || [...r.opening, ...r.repeating].every((k) => k === 'judge'), {
    message: 'a protocol without debaters has only judge rounds',
    path: ['opening'],
  })
  .refine((r) => r.opening[0] === 'judge' || r.debaters !== 'none', { message: 'the first round must be a judge round', path: ['opening'] })
  .refine((r) => r.repeating.every((k) => k !== 'choose') && r.opening.slice(1).every((k) => k !== 'choose'), {
    message: 'a choose round can only be the first round',
    path: ['opening'],
  })
  .refine((r) => r.opening[0] !== 'choose' || r.debaters !== 'none', { message: 'a choose round needs a debater to choose', path: ['opening'] })
  .refine((r) => r.debaters === 'all' || [...r.opening, ...r.repeating].every((k) => k !== 'cross'), {
    message: 'a cross-examination round needs an opponent: debaters must be "all"',
    path: ['opening'],
  })
  .refine((r) => crossLimits(r).answerQuoteChars <= crossLimits(r).answerChars, { message: 'answerQuoteChars cannot exceed answerChars', path: ['answerQuoteChars'] })
  .refine((r) => (r.endByAgreement ?? 'off') === 'off' || r.debaters !== 'none', { message: 'ending by agreement needs debaters to vote', path: ['endByAgreement'] });
export type Rules = z.infer<typeof Rules>;

/** The limits of a cross-examination round, the defaults filled in. */
export function crossLimits(r: { questionChars?: number | undefined; answerChars?: number | undefined; answerQuoteChars?: number | undefined }): { questionChars: number; answerChars: number; answerQuoteChars: number } {
  return { questionChars: r.questionChars ?? 300, answerChars: r.answerChars ?? 500, answerQuoteChars: r.answerQuoteChars ?? 250 };
}

/** Whether the debaters' answers are chosen by the protagonist (open protocols) rather than drawn by the seed. */
export function sidesChosen(rules: Pick<Rules, 'opening'>): boolean {
  return rules.opening[0] === 'choose';
}

/** The kind of round number `index` (0-based), or null once the schedule is exhausted. */
export function roundKindAt(rules: Rules, index: number): RoundKind | null {
  if (index < rules.opening.length) return rules.opening[index] ?? null;
  if (rules.repeating.length === 0) return null;
  return rules.repeating[(index - rules.opening.length) % rules.repeating.length] ?? null;
}
