import { z } from 'zod';
import { EVIDENCE_KIND_NAMES, rulesSuitEvidence, type EvidenceKindName } from '../evidence/kinds.ts';
import { Rules, sidesChosen } from './rules.ts';

/**
 * What a protocol is, for people and programs that present or analyse it: the lobby,
 * the prompts and the report read these, never a list of preset names of their own.
 * - `family`: the analysis a protocol belongs to: `debate` (every answer argued),
 *   `consultancy` (one answer argued), `blind` (the judge alone, no evidence), `expert`
 *   (the judge alone, seeing the evidence: the upper bound).
 * - `sides`: how the debaters get their answers: `drawn` by the seed (balanced over a
 *   batch), `chosen` by the protagonist in a first `choose` round (open protocols), or
 *   `none` without debaters.
 */
export const PresetFamily = z.enum(['debate', 'consultancy', 'blind', 'expert']);
export type PresetFamily = z.infer<typeof PresetFamily>;

export const PresetInfo = z.object({
  family: PresetFamily,
  title: z.string().min(1).max(80),
  description: z.string().min(1).max(500),
  /** The seat layout, in words. */
  seats: z.string().min(1).max(200),
  sides: z.enum(['drawn', 'chosen', 'none']),
  /** Where the protocol comes from in the literature. */
  source: z.string().max(200),
});
export type PresetInfo = z.infer<typeof PresetInfo>;

/** A preset: its rules (what the engine plays) and its description (what people and reports read). */
export const Preset = z
  .object({ rules: Rules, info: PresetInfo })
  .refine((p) => p.info.sides === (p.rules.debaters === 'none' ? 'none' : sidesChosen(p.rules) ? 'chosen' : 'drawn'), {
    message: 'sides must say what the rules do: none without debaters, chosen when the first round is a choose round, else drawn',
    path: ['info', 'sides'],
  })
  .refine((p) => (p.info.family === 'blind' || p.info.family === 'expert') === (p.rules.debaters === 'none'), {
    message: 'blind and expert are the families without debaters',
    path: ['info', 'family'],
  })
  .refine((p) => (p.info.family === 'expert') === p.rules.judgeSeesEvidence, { message: 'the expert family is the one whose judge sees the evidence', path: ['info', 'family'] })
  .refine((p) => p.info.family !== 'consultancy' || p.rules.debaters === 'one', { message: 'a consultancy has one debater', path: ['info', 'family'] })
  .refine((p) => p.info.family !== 'debate' || p.rules.debaters === 'all', { message: 'a debate has a debater per answer', path: ['info', 'family'] });
export type Preset = z.infer<typeof Preset>;

const NYU_LIMITS = { speechChars: 750, quoteChars: 250, revealsPerSpeech: 0, judgePenalty: 0.05, judgeCommentChars: 750, judgeSeesEvidence: false, revealOutcome: true } satisfies Partial<Rules>;
const DEBATE = {
  debaters: 'all',
  opening: ['judge', 'simultaneous', 'judge'],
  repeating: ['sequential', 'judge'],
  ...NYU_LIMITS,
  maxSpeechRounds: 4,
  minSpeechRoundsBeforeEnd: 1,
  speechSeconds: 300,
  judgeSeconds: 300,
} satisfies Partial<Rules>;
const CONSULTANCY = { ...DEBATE, debaters: 'one', opening: ['judge', 'sequential', 'judge'], speechChars: 1500, quoteChars: 500 } satisfies Partial<Rules>;
const JUDGE_ALONE = { ...NYU_LIMITS, debaters: 'none', opening: ['judge'], repeating: [], maxSpeechRounds: 0, minSpeechRoundsBeforeEnd: 0, speechSeconds: null, judgeSeconds: 300 } satisfies Partial<Rules>;

/** The protocol presets. Each is plain data; see README "Protocols". */
export const PRESETS = {
  debate: {
    rules: { preset: 'debate', ...DEBATE },
    info: {
      family: 'debate',
      title: 'Debate',
      description: 'One debater per answer; openings at once, then turns; the judge decides between rounds.',
      seats: 'a debater for every answer (A, B, …) and the judge',
      sides: 'drawn',
      source: 'Michael et al. 2023',
    },
  },
  consultancy: {
    rules: { preset: 'consultancy', ...CONSULTANCY },
    info: {
      family: 'consultancy',
      title: 'Consultancy',
      description: 'One consultant argues an answer (the correct one half of the time, by the seed); the judge questions and decides.',
      seats: 'one consultant (A) and the judge',
      sides: 'drawn',
      source: 'Michael et al. 2023',
    },
  },
  blind: {
    rules: { preset: 'blind', ...JUDGE_ALONE },
    info: {
      family: 'blind',
      title: 'Blind judge',
      description: 'The judge alone, from the question and answers: the baseline.',
      seats: 'the judge alone',
      sides: 'none',
      source: 'Khan et al. 2024 (naive judge)',
    },
  },
  expert: {
    rules: { preset: 'expert', ...JUDGE_ALONE, judgeSeesEvidence: true },
    info: {
      family: 'expert',
      title: 'Expert judge',
      description: 'The judge alone, reading the passage (or seeing the image) itself: the upper bound.',
      seats: 'the judge alone, who sees the evidence',
      sides: 'none',
      source: 'Khan et al. 2024 (expert judge)',
    },
  },
  'open-consultancy': {
    rules: { preset: 'open-consultancy', ...CONSULTANCY, opening: ['choose', 'judge', 'sequential', 'judge'] },
    info: {
      family: 'consultancy',
      title: 'Open consultancy',
      description: 'The consultant first chooses which answer to argue (the choice is recorded), then argues it; the judge questions and decides.',
      seats: 'one consultant (A), who chooses its answer, and the judge',
      sides: 'chosen',
      source: 'Kenton et al. 2024',
    },
  },
  'open-debate': {
    rules: { preset: 'open-debate', ...DEBATE, opening: ['choose', 'judge', 'simultaneous', 'judge'] },
    info: {
      family: 'debate',
      title: 'Open debate',
      description: 'Debater A (the protagonist) first chooses which answer to argue; the other debaters take the other answers; then a debate.',
      seats: 'a debater for every answer (A chooses first) and the judge',
      sides: 'chosen',
      source: 'Kenton et al. 2024',
    },
  },
  'debate-cross-exam': {
    /** Cross-examination after the openings; the answers' limits are the rules' (questionChars, answerChars, answerQuoteChars). */
    rules: {
      preset: 'debate-cross-exam',
      ...DEBATE,
      opening: ['judge', 'simultaneous', 'cross', 'judge'],
      questionChars: 300,
      answerChars: 500,
      answerQuoteChars: 250,
      endByAgreement: 'debaters',
    },
    info: {
      family: 'debate',
      title: 'Debate with cross-examination',
      description:
        'Openings at once, then each debater asks its opponent one question; an AI answers as it was at the round the asker names, a person live; the debaters may agree to end.',
      seats: 'a debater for every answer (A, B, …) and the judge',
      sides: 'drawn',
      source: 'Barnes & Christiano 2020; NYU (ending by agreement)',
    },
  },
  pixels: {
    /** Irving et al. 2018, with precommit: each debater reveals one inked pixel a turn (3 each), then the judge decides. */
    rules: {
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
      judgeSeesEvidence: false,
      revealOutcome: true,
    },
    info: {
      family: 'debate',
      title: 'Pixel debate',
      description: 'Image debate: each debater reveals one inked pixel a turn (3 each); the judge sees only the revealed pixels, then decides.',
      seats: 'a debater for every label (A, B) and the judge',
      sides: 'drawn',
      source: 'Irving, Christiano & Amodei 2018',
    },
  },
} as const satisfies Record<string, { rules: Rules; info: PresetInfo }>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** A preset's rules with optional overrides, validated. Throws a ZodError naming the field. */
export function rulesFor(preset: PresetName, overrides: Partial<Rules> = {}): Rules {
  const base = PRESETS[preset].rules;
  return Rules.parse({ ...base, opening: [...base.opening], repeating: [...base.repeating], ...overrides });
}

/**
 * The preset a rule set is an instance of, judged by its structure (who argues, the
 * round schedule, whether speeches reveal pixels, whether the judge sees the evidence):
 * the `requested` preset when its structure matches, else the first that does, else
 * 'custom'. Limits and timers do not change the protocol. The stored label comes from
 * here, never from a request's say-so, so it cannot be spoofed.
 */
export function presetLabel(rules: Pick<Rules, 'debaters' | 'opening' | 'repeating' | 'revealsPerSpeech' | 'judgeSeesEvidence'>, requested?: string): PresetName | 'custom' {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const matches = (name: PresetName) => {
    const p = PRESETS[name].rules;
    return p.debaters === rules.debaters && same(p.opening, rules.opening) && same(p.repeating, rules.repeating) && p.revealsPerSpeech > 0 === rules.revealsPerSpeech > 0 && p.judgeSeesEvidence === rules.judgeSeesEvidence;
  };
  if (requested && isPresetName(requested) && matches(requested)) return requested;
  return PRESET_NAMES.find(matches) ?? 'custom';
}

/** Whether `name` is a known preset. */
export const isPresetName = (name: string): name is PresetName => Object.hasOwn(PRESETS, name);

/** A preset as GET /api/presets serves it: its name, description, rules, and the evidence kinds it can be played over. */
export interface PresetEntry extends PresetInfo {
  name: PresetName;
  judgeSeesEvidence: boolean;
  evidence: EvidenceKindName[];
  rules: Rules;
}

/** Every preset, in table order, as the lobby and the API present them. */
export function presetCatalog(): PresetEntry[] {
  return PRESET_NAMES.map((name) => {
    const rules = rulesFor(name);
    return { name, ...PRESETS[name].info, judgeSeesEvidence: rules.judgeSeesEvidence, evidence: EVIDENCE_KIND_NAMES.filter((k) => rulesSuitEvidence(rules, k)), rules };
  });
}

/**
 * The family of a debate's rules: from its preset when the preset is known, else from
 * the rules themselves (an imported or re-judged debate whose preset name is its own).
 */
export function familyOf(rules: Pick<Rules, 'preset' | 'debaters' | 'judgeSeesEvidence'>): PresetFamily {
  if (isPresetName(rules.preset)) return PRESETS[rules.preset].info.family;
  if (rules.debaters === 'none') return rules.judgeSeesEvidence ? 'expert' : 'blind';
  return rules.debaters === 'one' ? 'consultancy' : 'debate';
}
