import { z } from 'zod';

/**
 * A protocol is data: a fixed opening of rounds, then a repeating block, with limits.
 * - `judge`: the judge reports a probability per answer and continues or ends.
 * - `simultaneous`: every debater writes a speech; all are released together.
 * - `sequential`: debaters speak one after another in the debate's speaking order;
 *   each sees the speeches before theirs, the judge sees the round once it is complete.
 */
export const RoundKind = z.enum(['judge', 'simultaneous', 'sequential']);
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
  .refine((r) => r.opening[0] === 'judge' || r.debaters !== 'none', { message: 'the first round must be a judge round', path: ['opening'] });
export type Rules = z.infer<typeof Rules>;

const NYU_LIMITS = { speechChars: 750, quoteChars: 250, revealsPerSpeech: 0, judgePenalty: 0.05, judgeCommentChars: 750 } as const;

/** The protocol presets. Each is plain data; see README "Protocols". */
export const PRESETS = {
  /** Michael et al. 2023: prior → simultaneous openings → judge → A then B → judge → … */
  debate: {
    preset: 'debate',
    debaters: 'all',
    opening: ['judge', 'simultaneous', 'judge'],
    repeating: ['sequential', 'judge'],
    ...NYU_LIMITS,
    maxSpeechRounds: 4,
    minSpeechRoundsBeforeEnd: 1,
    speechSeconds: 300,
    judgeSeconds: 300,
  },
  /** One consultant, assigned the correct answer half of the time (by the seed); doubled limits. */
  consultancy: {
    preset: 'consultancy',
    debaters: 'one',
    opening: ['judge', 'sequential', 'judge'],
    repeating: ['sequential', 'judge'],
    ...NYU_LIMITS,
    speechChars: 1500,
    quoteChars: 500,
    maxSpeechRounds: 4,
    minSpeechRoundsBeforeEnd: 1,
    speechSeconds: 300,
    judgeSeconds: 300,
  },
  /** The judge alone: question and answers, no evidence, no debaters. */
  blind: {
    preset: 'blind',
    debaters: 'none',
    opening: ['judge'],
    repeating: [],
    ...NYU_LIMITS,
    maxSpeechRounds: 0,
    minSpeechRoundsBeforeEnd: 0,
    speechSeconds: null,
    judgeSeconds: 300,
  },
  /**
   * Irving et al. 2018, with precommit: each debater argues a label; they take turns
   * revealing one inked pixel each (3 each: 6 pixels), then the judge decides.
   */
  pixels: {
    preset: 'pixels',
    debaters: 'all',
    opening: ['sequential', 'sequential', 'sequential', 'judge'],
    repeating: [],
    speechChars: 200,
    quoteChars: 0,
    revealsPerSpeech: 1,
    maxSpeechRounds: 3,
    minSpeechRoundsBeforeEnd: 3,
    speechSeconds: 120,
    judgeSeconds: 300,
    judgePenalty: 0,
    judgeCommentChars: 750,
  },
} as const satisfies Record<string, Rules>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** A preset's rules with optional overrides, validated. Throws a ZodError naming the field. */
export function rulesFor(preset: PresetName, overrides: Partial<Rules> = {}): Rules {
  const base = PRESETS[preset];
  return Rules.parse({ ...base, opening: [...base.opening], repeating: [...base.repeating], ...overrides });
}

/**
 * Whether a protocol can be played over a kind of evidence: image debates need
 * reveals, passage debates quote instead; a protocol without debaters suits both.
 */
export function rulesSuitEvidence(rules: Pick<Rules, 'debaters' | 'revealsPerSpeech'>, kind: 'passage' | 'image'): boolean {
  if (rules.debaters === 'none') return true;
  return kind === 'image' ? rules.revealsPerSpeech > 0 : rules.revealsPerSpeech === 0;
}

/** The kind of round number `index` (0-based), or null once the schedule is exhausted. */
export function roundKindAt(rules: Rules, index: number): RoundKind | null {
  if (index < rules.opening.length) return rules.opening[index] ?? null;
  if (rules.repeating.length === 0) return null;
  return rules.repeating[(index - rules.opening.length) % rules.repeating.length] ?? null;
}
