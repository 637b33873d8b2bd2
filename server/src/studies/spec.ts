/**
 * A study is a file: the spec (YAML or JSON), validated with zod. Errors name the file
 * and the field. A launched study's spec is frozen: its hash (SHA-256 of the canonical
 * JSON of the parsed spec) is stamped on every debate it creates.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PRESET_NAMES, describeIssues, type PresetName } from '@arena/shared';

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, "_" and "-" (at most 63)');
const Code = z.string().regex(/^[A-Za-z0-9_-]{3,40}$/, 'a code of 3–40 letters, digits, "_" or "-"');

/** Who fills a debater seat: a built-in, LLM or remote agent by id, or `human` (a recruited debater from the study's pool). */
const DebaterFill = z.string().min(1).max(200);

/** The debater fill that means a recruited person from the study's debater pool. */
export const HUMAN_DEBATER = 'human';

export const Condition = z
  .object({
    /** The condition's name, as exports and the dashboard show it. */
    name: Id,
    preset: z.enum(PRESET_NAMES as [PresetName, ...PresetName[]]),
    /** Overrides of the preset's rules (limits, timers, rounds). */
    rules: z.record(z.string(), z.unknown()).optional(),
    /** The agent of each debater seat; one id for every seat, or per seat (A, B…). */
    debaters: z.union([DebaterFill, z.partialRecord(z.enum(['A', 'B', 'C', 'D']), DebaterFill)]).optional(),
  })
  .strict();
export type Condition = z.infer<typeof Condition>;

/** An attention check: a catch question whose answer is plain from the question alone (or an instructed response). */
export const AttentionCheck = z
  .object({
    /** Shown after this many counted items (0: before the first). */
    after: z.number().int().nonnegative(),
    question: z.string().min(1).max(1000),
    answers: z.array(z.string().min(1).max(500)).min(2).max(4),
    /** Index of the answer a reading participant gives. */
    correct: z.number().int().nonnegative(),
  })
  .strict()
  .refine((c) => c.correct < c.answers.length, { message: 'correct must point at one of the answers', path: ['correct'] });
export type AttentionCheck = z.infer<typeof AttentionCheck>;

/** A comprehension question on the instructions, asked before the first item. */
export const ComprehensionQuestion = z
  .object({
    question: z.string().min(1).max(1000),
    answers: z.array(z.string().min(1).max(500)).min(2).max(6),
    /** Index of the right answer. */
    correct: z.number().int().nonnegative(),
  })
  .strict()
  .refine((c) => c.correct < c.answers.length, { message: 'correct must point at one of the answers', path: ['correct'] });
export type ComprehensionQuestion = z.infer<typeof ComprehensionQuestion>;

/** A question asked after each counted item's verdict (confidence, a reason, whether the marked answer looks wrong…). */
export const PostItemQuestion = z
  .object({
    /** Its column in judgements.csv: q_<id>. */
    id: Id,
    prompt: z.string().min(1).max(1000),
    /** `scale`: a whole number from min to max; `choice`: one of options; `text`: free text. */
    kind: z.enum(['scale', 'choice', 'text']),
    options: z.array(z.string().min(1).max(200)).min(2).max(10).optional(),
    min: z.number().int().default(1),
    max: z.number().int().default(7),
    /** Whether it may be left empty. */
    optional: z.boolean().default(false),
  })
  .strict()
  .refine((q) => q.kind !== 'choice' || (q.options?.length ?? 0) >= 2, { message: 'a choice question needs options', path: ['options'] })
  .refine((q) => q.min < q.max, { message: 'min must be below max', path: ['max'] });
export type PostItemQuestion = z.infer<typeof PostItemQuestion>;

/** Whether an answer fits its question (null: fits), else why not. */
export function answerProblem(q: PostItemQuestion, a: string | number | undefined): string | null {
  if (a === undefined || a === '') return q.optional ? null : `"${q.prompt}" needs an answer`;
  if (q.kind === 'scale') return typeof a === 'number' && Number.isInteger(a) && a >= q.min && a <= q.max ? null : `"${q.prompt}": a whole number from ${q.min} to ${q.max}`;
  if (q.kind === 'choice') return typeof a === 'string' && (q.options ?? []).includes(a) ? null : `"${q.prompt}": one of ${(q.options ?? []).join(', ')}`;
  return typeof a === 'string' && a.length <= 5000 ? null : `"${q.prompt}": text of at most 5000 characters`;
}

/** Tries a judge has at the comprehension quiz; missing it again ends with the return ("declined") code, never a rejection. */
export const COMPREHENSION_TRIES = 2;

export const OUTCOMES = ['completed', 'declined', 'failed', 'timedOut', 'noCapacity'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const StudySpec = z
  .object({
    id: Id,
    title: z.string().min(1).max(200),
    /** The study seed: the assignment's randomisation is drawn from it (recorded with the study). */
    seed: z.string().min(1).max(100),
    /** Where live items come from: scenario packs and/or ids, each played under every condition. */
    scenarios: z
      .object({ packs: z.array(z.string().min(1)).default([]), ids: z.array(z.string().min(1)).default([]) })
      .strict()
      .refine((s) => s.packs.length + s.ids.length > 0, { message: 'name at least one pack or scenario id' })
      .optional(),
    /**
     * Stored debates to be re-judged step by step as items (the participant is the new judge).
     * Chosen by id and/or by filter (source, pack), frozen at launch.
     */
    debates: z
      .object({
        ids: z.array(z.string().min(1).max(300)).default([]),
        /** Originals from these sources (an import's name; "none" for debates played here). */
        sources: z.array(z.string().min(1)).default([]),
        /** Originals whose scenario is from these packs. */
        packs: z.array(z.string().min(1)).default([]),
        /** At most this many originals from the filters (the oldest first). */
        limit: z.number().int().positive().max(100_000).optional(),
        /** The condition name these items have in exports and on the dashboard. */
        condition: Id.default('rejudge'),
      })
      .strict()
      .refine((d) => d.ids.length + d.sources.length + d.packs.length > 0, { message: 'name at least one debate id, source or pack' })
      .optional(),
    /**
     * `allow`: run the study although its items are in a public pack or have public
     * finished debates (a participant could know the answers); without it, validate and
     * launch refuse such a spec.
     */
    publicItems: z.literal('allow').optional(),
    conditions: z.array(Condition).default([]),
    itemsPerParticipant: z.number().int().min(1).max(100),
    /** Judgements wanted in every scenario × condition cell. */
    judgementsPerCell: z.number().int().min(1).max(1000),
    /** Practice items (not counted), played before the queue. */
    practice: z.array(z.object({ scenario: z.string().min(1), condition: Id }).strict()).default([]),
    attentionChecks: z.array(AttentionCheck).default([]),
    /** Participant integrity: `blockPaste` stops pasting into the item's page (paste events are recorded either way). */
    integrity: z.object({ blockPaste: z.boolean().default(false) }).strict().optional(),
    /** When a judge learns whether they were right: after each item (the default), at the end (a summary on the end page), or never. */
    feedback: z.enum(['afterEach', 'atEnd', 'never']).optional(),
    /** Questions after each counted item's verdict, answered before going on; exported per item (q_<id>). */
    postItemQuestions: z.array(PostItemQuestion).optional(),
    /** A quiz on the instructions, answered before the first item (two tries; then the participant is asked to return the study). */
    comprehension: z.array(ComprehensionQuestion).optional(),
    exclusion: z
      .object({
        /** A participant who fails more checks than this ends with the failed code (default 1: a rejection only after two failed checks, as panels require). */
        maxFailedChecks: z.number().int().nonnegative().default(1),
        /** Items judged faster than this are flagged (speeders). */
        minSecondsPerItem: z.number().nonnegative().default(0),
      })
      .strict()
      .default({ maxFailedChecks: 1, minSecondsPerItem: 0 }),
    /** Recruited human debaters: who enters with the debater link, and how long a judge waits for them. */
    humanDebaters: z
      .object({
        /** A judge whose item needs human debaters waits this long in the lobby; then the item is given to someone later and the judge gets another. */
        lobbySeconds: z.number().positive().max(3600).default(120),
        /** A debater who has waited this long for a judge may leave with the no-capacity code. */
        debaterWaitSeconds: z.number().positive().max(24 * 3600).default(600),
        /** Debates per recruited debater; after the last they end with the completed code. */
        debatesPerDebater: z.number().int().min(1).max(100).default(3),
        /** What debaters read before the lobby (Markdown). */
        instructions: z.string().min(1).max(20000).default('## How to debate\nYou will read a passage the judge cannot see and argue for your side. Quote the passage to make your case.'),
      })
      .strict()
      .optional(),
    /**
     * How participants may enter. `signature`: only by signed links, whose `sig` is the
     * HMAC-SHA256 of the entry parameters under the secret held in the server's environment
     * variable `secretEnv` (for panels and pre-screeners that can sign the link they send; see README).
     */
    entry: z
      .object({
        signature: z
          .object({ secretEnv: z.string().regex(/^ARENA_ENTRY_SECRET[A-Z0-9_]{0,60}$/, 'an environment variable named ARENA_ENTRY_SECRET…, e.g. ARENA_ENTRY_SECRET_PILOT') })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    /**
     * Caps on items argued by paid agents (LLM debaters, remote agents), which cost money with
     * every move: the debates of such items one participant may start (restarts included), and
     * those the whole study may start in a minute (an item over it waits, its page says why).
     */
    paidAgents: z
      .object({ perParticipant: z.number().int().min(1).max(1000).default(12), perMinute: z.number().int().min(1).max(100_000).default(30) })
      .strict()
      .optional(),
    /**
     * The waitlist: a judge who starts while every open slot is held by judges still at work
     * (who may yet drop out or be excluded) waits up to `seconds` for one of those slots to
     * come back, instead of leaving at once with the no-capacity code (0: no waitlist).
     * At most as many wait as there are judges at work.
     */
    waitlist: z.object({ seconds: z.number().nonnegative().max(3600).default(120) }).strict().optional(),
    consent: z.string().min(1).max(20000),
    instructions: z.string().min(1).max(20000),
    timeLimits: z
      .object({
        /** From consent to the end page. */
        participantMinutes: z.number().positive().max(24 * 60).default(90),
        /** From the start of an item to its verdict. */
        itemMinutes: z.number().positive().max(24 * 60).default(20),
        /** No page open for this long: the participant has dropped out. */
        idleSeconds: z.number().positive().max(86400).default(300),
      })
      .strict()
      .default({ participantMinutes: 90, itemMinutes: 20, idleSeconds: 300 }),
    completion: z
      .object({
        codes: z.object({ completed: Code, declined: Code, failed: Code, timedOut: Code, noCapacity: Code }).strict(),
        /** The panel's completion URL; {code} is replaced by the code. */
        redirect: z
          .string()
          .url()
          .refine((u) => /^https?:\/\//.test(u), { message: 'an http(s) URL' })
          .refine((u) => u.includes('{code}'), { message: 'must contain {code}' }),
      })
      .strict()
      .refine((c) => new Set(Object.values(c.codes)).size === OUTCOMES.length, { message: 'each outcome needs its own code', path: ['codes'] }),
    bonus: z
      .object({
        /** Paid per point: a point is one bit of judge score above a uniform guess (see README). */
        perPoint: z.number().nonnegative(),
        floor: z.number().nonnegative().default(0),
        cap: z.number().nonnegative(),
        currency: z.string().min(1).max(10).default('GBP'),
      })
      .strict()
      .refine((b) => b.floor <= b.cap, { message: 'floor cannot exceed cap', path: ['floor'] })
      .optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!s.scenarios && !s.debates) ctx.addIssue({ code: 'custom', message: 'name the items: scenarios (live debates) and/or debates (stored debates to re-judge)', path: ['scenarios'] });
    if (s.scenarios && s.conditions.length === 0) ctx.addIssue({ code: 'custom', message: 'scenarios are played under conditions: give at least one', path: ['conditions'] });
    const names = s.conditions.map((c) => c.name);
    if (s.debates && names.includes(s.debates.condition)) ctx.addIssue({ code: 'custom', message: `"${s.debates.condition}" is already a condition's name; re-judging items need a name of their own`, path: ['debates', 'condition'] });
    const humanSeats = s.conditions.some((c) => (typeof c.debaters === 'string' ? c.debaters === HUMAN_DEBATER : Object.values(c.debaters ?? {}).includes(HUMAN_DEBATER)));
    if (humanSeats && !s.humanDebaters) ctx.addIssue({ code: 'custom', message: 'a condition has human debaters: add humanDebaters (the lobby settings) to the spec', path: ['humanDebaters'] });
    names.forEach((n, i) => names.indexOf(n) !== i && ctx.addIssue({ code: 'custom', message: `condition "${n}" is named twice`, path: ['conditions', i, 'name'] }));
    s.practice.forEach((p, i) => {
      if (!names.includes(p.condition)) ctx.addIssue({ code: 'custom', message: `no condition "${p.condition}" (conditions: ${names.join(', ')})`, path: ['practice', i, 'condition'] });
    });
    s.attentionChecks.forEach((c, i) => {
      if (c.after > s.itemsPerParticipant) ctx.addIssue({ code: 'custom', message: `after ${c.after} items, but a participant judges ${s.itemsPerParticipant}`, path: ['attentionChecks', i, 'after'] });
    });
  });
export type StudySpec = z.infer<typeof StudySpec>;

export class SpecError extends Error {
  override name = 'SpecError';
}

/** Parses a spec's text (YAML, of which JSON is a subset); errors name the source and the field. */
export function parseSpec(text: string, source = 'the spec'): StudySpec {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new SpecError(`${source}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  const parsed = StudySpec.safeParse(raw);
  if (!parsed.success) throw new SpecError(`${source}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Reads and validates a spec file. */
export async function readSpecFile(path: string): Promise<StudySpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SpecError(`${path}: cannot read: ${(err as Error).message}`);
  }
  return parseSpec(text, path);
}

/** JSON with object keys sorted, so equal specs hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The spec's hash: sha256 of its canonical JSON (after defaults are filled in). */
export function specHash(spec: StudySpec): string {
  return createHash('sha256').update(canonical(spec)).digest('hex');
}

/** The caps on items argued by paid agents (defaults: 12 per participant, 30 a minute study-wide). */
export const paidAgentLimits = (spec: StudySpec): { perParticipant: number; perMinute: number } => ({ perParticipant: spec.paidAgents?.perParticipant ?? 12, perMinute: spec.paidAgents?.perMinute ?? 30 });

/** Seconds a judge may wait for a place held by others (the waitlist; 0: none). */
export const waitlistSeconds = (spec: StudySpec): number => spec.waitlist?.seconds ?? 120;

/** The completion code of an outcome. */
export function codeFor(spec: StudySpec, outcome: Outcome): string {
  return spec.completion.codes[outcome];
}

/** The panel redirect for a code. */
export function redirectFor(spec: StudySpec, code: string): string {
  return spec.completion.redirect.replaceAll('{code}', encodeURIComponent(code));
}
