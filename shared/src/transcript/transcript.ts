import { z } from 'zod';
import { Action } from '../protocol/actions.ts';
import { Rules } from '../rules/rules.ts';
import { Scenario } from '../scenario/schema.ts';
import { PROVENANCES, TRANSCRIPT_FORMAT, type DebateStatus } from '../game/types.ts';

const SeatName = z.enum(['A', 'B', 'C', 'D', 'judge', 'observer']);
const Actor = z.enum(['A', 'B', 'C', 'D', 'judge', 'observer', 'system']);

export const SeatConfigSchema = z.object({
  kind: z.enum(['human', 'agent']),
  agent: z.string().optional(),
  open: z.boolean().optional(),
});

export const HeaderSchema = z.object({
  format: z.literal(TRANSCRIPT_FORMAT),
  engine: z.string(),
  id: z.string().min(1).max(200),
  createdAt: z.number(),
  seed: z.string(),
  scenario: Scenario,
  rules: Rules,
  seats: z.partialRecord(SeatName, SeatConfigSchema),
  assignment: z.object({
    answerOrder: z.array(z.number().int().nonnegative()),
    correctIndex: z.number().int().nonnegative(),
    debaters: z.partialRecord(z.enum(['A', 'B', 'C', 'D']), z.number().int().nonnegative()),
    speakingOrder: z.array(z.enum(['A', 'B', 'C', 'D'])),
  }),
  source: z.object({ name: z.string(), id: z.string().optional(), url: z.string().optional() }).optional(),
  provenance: z.enum(PROVENANCES).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  /** A fork: the debate it branched from and how many of its events it starts with. */
  parent: z.object({ id: z.string().min(1).max(200), at: z.number().int().nonnegative() }).optional(),
});

export const EventSchema = z.object({
  seq: z.number().int().nonnegative(),
  at: z.number(),
  seat: Actor,
  action: Action,
  meta: z.record(z.string(), z.unknown()).optional(),
});

/** One line of the JSON Lines export: a whole debate. */
export const TranscriptSchema = z.object({
  header: HeaderSchema,
  events: z.array(EventSchema),
  status: z.enum(['waiting', 'running', 'finished', 'ended']),
  verdict: z
    .object({
      probabilities: z.array(z.number()),
      correctIndex: z.number().int(),
      correct: z.boolean(),
      judgeScore: z.number(),
      debaterScores: z.partialRecord(z.enum(['A', 'B', 'C', 'D']), z.number()),
      continues: z.number().int(),
      speechRounds: z.number().int(),
    })
    .nullable(),
});
export type TranscriptRecord = z.infer<typeof TranscriptSchema>;

/** The published JSON Schema of an export line. */
export function transcriptJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(TranscriptSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    $id: 'https://oversight-arena.dev/schema/transcript-v1.json',
    title: 'Oversight Arena transcript (one JSON Lines record)',
  };
}

/**
 * Who may find and read a debate. Public: listed, and once finished its full replay
 * is open to anyone. Private: unlisted, its full transcript for researchers only.
 */
export type Visibility = 'public' | 'private';

/** A row of the debate list: what anyone may see about a debate without opening it. */
export interface DebateSummary {
  id: string;
  scenarioId: string;
  title: string;
  pack: string | null;
  preset: string;
  source: string | null;
  status: DebateStatus;
  createdAt: number;
  /**
   * When the debate last changed. Null in public answers about an unfinished debate:
   * a time that moves when a debater speaks would tell a judge when a hidden action happened.
   */
  updatedAt: number | null;
  visibility: Visibility;
  /** Only for finished debates. */
  outcome: { correct: boolean; judgeScore: number; continues: number } | null;
}
