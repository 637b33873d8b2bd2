/**
 * The NYU debate dataset's file formats (Michael et al. 2023), as zod schemas.
 * After the dataset's TypeScript interfaces (browser/src/Room.tsx, App.tsx); unknown
 * fields are kept (loose objects) so nothing is lost on the way through.
 */
import { z } from 'zod';

export const NyuContent = z.union([
  z.object({ Text: z.object({ text: z.string() }) }),
  z.object({ Quote: z.object({ span: z.tuple([z.number().int(), z.number().int()]) }) }),
]);
export type NyuContent = z.infer<typeof NyuContent>;

export const NyuSpeech = z.looseObject({
  speaker: z.string(),
  timestamp: z.number(),
  content: z.array(NyuContent),
});
export type NyuSpeech = z.infer<typeof NyuSpeech>;

export const NyuJudgeFeedback = z.looseObject({
  distribution: z.array(z.number()).min(2),
  feedback: NyuSpeech,
  endDebate: z.boolean(),
});
export type NyuJudgeFeedback = z.infer<typeof NyuJudgeFeedback>;

export const NyuOfflineJudgment = z.looseObject({
  mode: z.string(),
  startTimeMillis: z.number(),
  judgments: z.array(NyuJudgeFeedback),
});
export type NyuOfflineJudgment = z.infer<typeof NyuOfflineJudgment>;

const Speeches = z.looseObject({ speeches: z.record(z.string().regex(/^\d+$/), NyuSpeech) });

export const NyuRound = z.union([
  z.object({ JudgeFeedback: NyuJudgeFeedback }),
  z.object({ SimultaneousSpeeches: Speeches }),
  z.object({ SequentialSpeeches: Speeches }),
  z.object({ NegotiateEnd: z.looseObject({ votes: z.record(z.string(), z.boolean()) }) }),
  z.object({ OfflineJudgments: z.looseObject({ judgments: z.record(z.string(), NyuOfflineJudgment) }) }),
]);
export type NyuRound = z.infer<typeof NyuRound>;

const SpeechRoundType = z.looseObject({
  charLimit: z.number().int(),
  quoteLimit: z.number().int().nullable(),
  assignedDebatersOnly: z.boolean().optional(),
});

export const NyuRoundType = z.union([
  z.object({ JudgeFeedbackRound: z.looseObject({ reportBeliefs: z.boolean(), charLimit: z.number().int() }) }),
  z.object({ SimultaneousSpeechesRound: SpeechRoundType }),
  z.object({ SequentialSpeechesRound: SpeechRoundType }),
  z.object({ NegotiateEndRound: z.looseObject({}) }),
  z.object({ OfflineJudgingRound: z.looseObject({}) }),
]);
export type NyuRoundType = z.infer<typeof NyuRoundType>;

export const NyuRules = z.looseObject({
  fixedOpening: z.array(NyuRoundType),
  repeatingStructure: z.array(NyuRoundType),
  fixedClosing: z.looseObject({ maxRepeatCycles: z.number().int(), rounds: z.array(NyuRoundType) }).nullable().optional(),
  globalQuoteRestriction: z.number().int().nullable().optional(),
  scoringFunction: z.record(z.string(), z.looseObject({ perTurnPenalty: z.number().optional() })).optional(),
});
export type NyuRules = z.infer<typeof NyuRules>;

export const NyuSourceMaterial = z.object({
  QuALITYSourceMaterial: z.looseObject({
    articleId: z.string(),
    title: z.string(),
    contents: z.array(z.string()).min(1),
  }),
});

/** One debate room file: debates/official/<room-name>.json. */
export const NyuRoom = z.looseObject({
  setup: z.looseObject({
    rules: NyuRules,
    sourceMaterial: NyuSourceMaterial,
    question: z.string(),
    answers: z.array(z.string()).min(2),
    correctAnswerIndex: z.number().int().nonnegative(),
    roles: z.record(z.string(), z.string()),
    offlineJudges: z.record(z.string(), z.unknown()).default({}),
    creationTime: z.number(),
  }),
  rounds: z.array(NyuRound),
  feedback: z.record(z.string(), z.unknown()).default({}),
  scratchpads: z.record(z.string(), z.unknown()).default({}),
});
export type NyuRoom = z.infer<typeof NyuRoom>;

/** One record of debates-metadata.json. */
export const NyuMetadata = z.looseObject({
  name: z.string(),
  setting: z.object({ isHuman: z.boolean(), isDebate: z.boolean() }),
  includedInPaper: z.boolean().default(false),
  status: z.record(z.string(), z.unknown()),
  roleAssignments: z.record(z.string(), z.string()).optional(),
  ultimateRoles: z.record(z.string(), z.string()).optional(),
});
export type NyuMetadata = z.infer<typeof NyuMetadata>;

/** The final judgement in a metadata record, when the live judge finished the debate. */
export function metadataJudgement(meta: NyuMetadata): { finalJudgement: number[]; correctAnswerIndex: number; numContinues: number } | null {
  const complete = meta.status['Complete'] as { result?: { judgingInfo?: unknown } } | undefined;
  const info = complete?.result?.judgingInfo as { finalJudgement?: number[]; correctAnswerIndex?: number; numContinues?: number } | null | undefined;
  if (!info || !Array.isArray(info.finalJudgement)) return null;
  return { finalJudgement: info.finalJudgement, correctAnswerIndex: info.correctAnswerIndex ?? -1, numContinues: info.numContinues ?? 0 };
}

export const DEBATER_ROLE = /^Debater ([A-Z])$/;
