import { z } from 'zod';
import { Evidence, evidenceKindOf } from '../evidence/kinds.ts';

/** One question with its hidden evidence. The correct answer is never shown to a judge. */
export const Scenario = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'ids are lower-case letters, digits, ".", "_" and "-"'),
    title: z.string().min(1),
    question: z.string().min(1).max(1000),
    answers: z.array(z.string().min(1).max(500)).min(2, 'at least two answers').max(4, 'at most four answers'),
    correctIndex: z.number().int().nonnegative(),
    evidence: Evidence,
    source: z.string().min(1),
    licence: z.string().min(1),
    tags: z.array(z.string()).optional(),
    pack: z.string().optional(),
  })
  .refine((s) => s.correctIndex < s.answers.length, {
    message: 'correctIndex must point at one of the answers',
    path: ['correctIndex'],
  });
export type Scenario = z.infer<typeof Scenario>;

/** Metadata of a scenario pack: a folder of scenario files plus pack.json. */
export const PackInfo = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  title: z.string().min(1),
  description: z.string().default(''),
  source: z.string().min(1),
  licence: z.string().min(1),
  /**
   * A private pack (a study's passages) is never offered to the public lobby or in
   * GET /api/scenarios without the researcher token, and nobody but a researcher may
   * create a debate over its scenarios.
   */
  private: z.boolean().default(false),
});
export type PackInfo = z.infer<typeof PackInfo>;

/** What anyone may know about a scenario before a debate: no evidence, no correct answer. */
export interface ScenarioSummary {
  id: string;
  pack: string | undefined;
  title: string;
  question: string;
  answerCount: number;
  evidenceKind: Evidence['kind'];
  words: number;
  source: string;
  licence: string;
  tags: string[];
}

export function summarizeScenario(s: Scenario): ScenarioSummary {
  return {
    id: s.id,
    pack: s.pack,
    title: s.title,
    question: s.question,
    answerCount: s.answers.length,
    evidenceKind: s.evidence.kind,
    words: evidenceKindOf(s.evidence).words(s.evidence),
    source: s.source,
    licence: s.licence,
    tags: s.tags ?? [],
  };
}

/** Formats a zod error as "field.path: message" lines, for errors that name the field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
