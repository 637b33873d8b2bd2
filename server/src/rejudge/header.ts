/**
 * A re-judging debate: a stored debate (native or imported) judged again, round by
 * round, by a new judge who sees the original speeches exactly as the original judge
 * did. Same scenario, same assignment (answer order, sides, speaking order), the
 * original's rules with maxSpeechRounds set to the speech rounds it actually had; the
 * debater seats are replay agents.
 */
import { createHash } from 'node:crypto';
import {
  ENGINE_VERSION,
  Rules,
  TRANSCRIPT_FORMAT,
  type DebateHeader,
  type RoundKind,
  type Seat,
  type SeatConfig,
  type TranscriptRecord,
} from '@arena/shared';
import type { Store } from '../store/store.ts';
import { replayAgentId, speechesByRound } from './replay-agent.ts';

export const REJUDGE_SOURCE = 'rejudge';

/** Why a debate cannot be re-judged (HTTP answers 4xx with the message). */
export class NotRejudgeable extends Error {
  override name = 'NotRejudgeable';
}

/** What header.meta.rejudge records. */
export interface RejudgeMeta {
  /** The original's source name (null for debates played here). */
  originalSource: string | null;
  /** The new judge: an agent id, or "human". */
  judge: string;
  seed: string;
  /** Completed speech rounds of the original (the new debate's maxSpeechRounds). */
  speechRounds: number;
  /** Whether judge rounds had to be added (an original whose rules had none). */
  judgeRoundsAdded: boolean;
}

const withJudges = (kinds: readonly RoundKind[]): RoundKind[] => kinds.flatMap((k) => (k === 'judge' ? [k] : [k, 'judge' as const]));

/**
 * The rules of the re-judging debate: the original's, ending where its speeches ran
 * out. Rules with no judge round at all (some imported rooms were judged offline) get
 * a judge turn first and after every speech round.
 */
export function rejudgeRules(original: Rules, speechRounds: number): { rules: Rules; judgeRoundsAdded: boolean } {
  const hasJudge = [...original.opening, ...original.repeating].includes('judge');
  let { opening, repeating } = original;
  if (!hasJudge) {
    opening = ['judge', ...withJudges(original.opening)];
    repeating = withJudges(original.repeating);
  }
  const rules = Rules.parse({
    ...original,
    opening,
    repeating,
    maxSpeechRounds: speechRounds,
    minSpeechRoundsBeforeEnd: Math.min(original.minSpeechRoundsBeforeEnd, speechRounds),
  });
  return { rules, judgeRoundsAdded: !hasJudge };
}

/** The id of a batch re-judging: a function of (original, judge, seed) only, so a re-run skips it. */
export function rejudgeId(originalId: string, judge: string, seed: string): string {
  const hash = createHash('sha256').update(JSON.stringify([originalId, judge, seed])).digest('hex').slice(0, 12);
  return `rj-${originalId.slice(0, 120)}-${hash}`;
}

export interface RejudgeHeaderOptions {
  id: string;
  /** The new judge's seat. */
  judge: SeatConfig;
  seed: string;
  createdAt: number;
}

/** The header of a re-judging debate of `original`; throws NotRejudgeable when it has no speeches. */
export function rejudgeHeader(original: TranscriptRecord, o: RejudgeHeaderOptions): DebateHeader {
  const h = original.header as DebateHeader;
  if (h.meta?.['rejudgeOf'] !== undefined) throw new NotRejudgeable(`"${h.id}" is itself a re-judging; re-judge its original "${String(h.meta['rejudgeOf'])}"`);
  const debaterSeats = Object.keys(h.assignment.debaters) as Seat[];
  if (debaterSeats.length === 0) throw new NotRejudgeable(`"${h.id}" has no debaters, so there is nothing to re-judge`);
  const { rounds } = speechesByRound(original);
  if (rounds === 0) throw new NotRejudgeable(`"${h.id}" has no completed speech round to re-judge`);
  const { rules, judgeRoundsAdded } = rejudgeRules(h.rules, rounds);
  const seats: Partial<Record<Seat, SeatConfig>> = {};
  for (const seat of debaterSeats.sort()) seats[seat] = { kind: 'agent', agent: replayAgentId(h.id) };
  seats.judge = o.judge;
  const meta: RejudgeMeta = {
    originalSource: h.source?.name ?? null,
    judge: o.judge.kind === 'agent' ? (o.judge.agent ?? 'agent') : 'human',
    seed: o.seed,
    speechRounds: rounds,
    judgeRoundsAdded,
  };
  return {
    format: TRANSCRIPT_FORMAT,
    engine: ENGINE_VERSION,
    id: o.id,
    createdAt: o.createdAt,
    seed: `${o.seed}/${h.id}`,
    scenario: h.scenario,
    rules,
    seats,
    assignment: structuredClone(h.assignment),
    source: { name: REJUDGE_SOURCE, id: h.id },
    provenance: 'rejudge',
    meta: { rejudgeOf: h.id, rejudge: meta },
  };
}

/** The original a re-judging debate re-judges (undefined for other debates). */
export function rejudgeOf(record: Pick<TranscriptRecord, 'header'>): string | undefined {
  const v = (record.header as DebateHeader).meta?.['rejudgeOf'];
  return typeof v === 'string' ? v : undefined;
}

/** The ids of the re-judgings of one original, oldest first. */
export async function listRejudges(store: Store, originalId: string): Promise<{ id: string; status: string; createdAt: number; judge: string | null; correct: boolean | null }[]> {
  const rows = await store.debatesWithMeta(REJUDGE_SOURCE, 'rejudgeOf', originalId);
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    createdAt: r.createdAt,
    judge: (r.header.meta?.['rejudge'] as RejudgeMeta | undefined)?.judge ?? null,
    correct: r.verdict ? r.verdict.correct : null,
  }));
}
