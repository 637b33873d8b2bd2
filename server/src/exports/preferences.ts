/**
 * Preference pairs (prompt / chosen / rejected, the conversational format of DPO-style
 * trainers) from two kinds of evidence:
 *
 * - best-of-N: a debater that drafted several speeches and had a judge score them keeps
 *   the drafts and their scores in the event's meta (`candidates`, `candidateScores`,
 *   `chosen`); every two drafts with different scores make a pair, the higher chosen.
 * - forks: debates branched from one debate at one speech (forks.ts) whose judges ended
 *   with different probabilities for that debater's answer; every two branches (the
 *   parent's own continuation among them) make a pair, the speech of the branch the
 *   judge believed more chosen.
 *
 * Each row names its debate, its event and the evidence for the preference.
 */
import { answerLabel, type DebaterSeat, type TranscriptRecord } from '@arena/shared';
import { promptMessages, replyText, type ChatMessage } from './chat.ts';
import { forkParentOf } from './forks.ts';
import { debateTurns, hasChatPrompts } from './seat-turns.ts';
import { seatAgent } from './sft.ts';

export interface BestOfEvidence {
  kind: 'best-of-n';
  /** The judge agent that scored the drafts (absent in older transcripts). */
  scorer: string | null;
  /** The scorer's probability for the debater's answer after each draft. */
  chosen_score: number;
  rejected_score: number;
  /** Indices among the drafts, and the one the debater spoke. */
  chosen_candidate: number;
  rejected_candidate: number;
  spoken_candidate: number;
}

export interface ForkEvidence {
  kind: 'fork';
  /** The debate the branches share their first events with. */
  parent_id: string;
  /** The two branches (a fork's id, or the parent's for its own continuation). */
  chosen_debate: string;
  rejected_debate: string;
  /** Each branch's final probability for the debater's answer. */
  chosen_p: number;
  rejected_p: number;
}

export interface PreferenceRow {
  prompt: ChatMessage[];
  chosen: ChatMessage[];
  rejected: ChatMessage[];
  /** The debate whose turn this is (for forks: the parent). */
  debate_id: string;
  /** 0-based index of the event in that debate. */
  event: number;
  seat: string;
  agent: string;
  answer: string | null;
  correct_answer: string;
  evidence: BestOfEvidence | ForkEvidence;
}

const assistant = (content: string): ChatMessage[] => [{ role: 'assistant', content }];

interface BestOfMeta {
  candidates: string[];
  scores: number[];
  spoken: number;
  scorer: string | null;
}

function bestOfMeta(meta: Record<string, unknown> | undefined): BestOfMeta | null {
  if (!meta) return null;
  const { candidates, candidateScores, chosen, scorer } = meta as { candidates?: unknown; candidateScores?: unknown; chosen?: unknown; scorer?: unknown };
  if (!Array.isArray(candidates) || !Array.isArray(candidateScores) || candidates.length !== candidateScores.length || candidates.length < 2) return null;
  if (!candidates.every((c) => typeof c === 'string') || !candidateScores.every((s) => typeof s === 'number' && Number.isFinite(s))) return null;
  return { candidates: candidates as string[], scores: candidateScores as number[], spoken: typeof chosen === 'number' ? chosen : -1, scorer: typeof scorer === 'string' ? scorer : null };
}

/** The best-of-N pairs of one debate's speeches. */
export function bestOfRows(r: TranscriptRecord, promptsDir?: string): PreferenceRow[] {
  if (!hasChatPrompts(r)) return [];
  if (!r.events.some((e) => bestOfMeta(e.meta))) return [];
  const { turns, sides } = debateTurns(r);
  const rows: PreferenceRow[] = [];
  for (const turn of turns) {
    const m = turn.event.action.type === 'speech' ? bestOfMeta(turn.event.meta) : null;
    if (!m) continue;
    const prompt = promptMessages(turn, promptsDir);
    const side = sides[turn.seat as DebaterSeat];
    for (let i = 0; i < m.candidates.length; i++) {
      for (let j = 0; j < m.candidates.length; j++) {
        if (!((m.scores[i] as number) > (m.scores[j] as number))) continue;
        rows.push({
          prompt,
          chosen: assistant(m.candidates[i] as string),
          rejected: assistant(m.candidates[j] as string),
          debate_id: r.header.id,
          event: turn.index,
          seat: turn.seat,
          agent: seatAgent(r, turn.seat),
          answer: side === undefined ? null : answerLabel(side),
          correct_answer: answerLabel(r.header.assignment.correctIndex),
          evidence: { kind: 'best-of-n', scorer: m.scorer, chosen_score: m.scores[i] as number, rejected_score: m.scores[j] as number, chosen_candidate: i, rejected_candidate: j, spoken_candidate: m.spoken },
        });
      }
    }
  }
  return rows;
}

/** One branch of a fork point: who spoke there, what, and how much the judge ended up believing that debater. */
export interface ForkBranch {
  debateId: string;
  seat: DebaterSeat;
  reply: string;
  /** Final probability of the debater's answer (null: no verdict). */
  p: number | null;
  answer: number | undefined;
}

/** The branch a finished debate makes at event `eventIndex` (null when that event is not a debater's speech). */
export function branchAt(r: TranscriptRecord, eventIndex: number, promptsDir?: string): { branch: ForkBranch; prompt: () => ChatMessage[] } | null {
  const { turns, sides } = debateTurns(r);
  const turn = turns.find((t) => t.index === eventIndex);
  if (!turn || turn.seat === 'judge' || turn.event.action.type !== 'speech') return null;
  const seat = turn.seat as DebaterSeat;
  const answer = sides[seat];
  const p = r.status === 'finished' && r.verdict && answer !== undefined ? (r.verdict.probabilities[answer] ?? null) : null;
  return { branch: { debateId: r.header.id, seat, reply: replyText(turn.event.action, turn.segments), p, answer }, prompt: () => promptMessages(turn, promptsDir) };
}

/**
 * Collects the forks of a selection as it streams past (a compact branch per fork, no
 * more), then makes the pairs of each fork point, reading each parent once from the store.
 */
export class ForkPairs {
  private readonly points = new Map<string, { parentId: string; eventIndex: number; branches: ForkBranch[]; prompt: ChatMessage[]; correct: number }>();
  private readonly promptsDir?: string;

  constructor(promptsDir?: string) {
    this.promptsDir = promptsDir;
  }

  /** Notes a debate if it is a fork (image debates and branches at anything but a speech are ignored). */
  add(r: TranscriptRecord): void {
    const parent = forkParentOf(r);
    if (!parent || !hasChatPrompts(r)) return;
    const b = branchAt(r, parent.eventIndex, this.promptsDir);
    if (!b) return;
    const key = `${parent.debateId}\u0000${parent.eventIndex}`;
    let point = this.points.get(key);
    if (!point) this.points.set(key, (point = { parentId: parent.debateId, eventIndex: parent.eventIndex, branches: [], prompt: b.prompt(), correct: r.header.assignment.correctIndex }));
    point.branches.push(b.branch);
  }

  /** Fork points seen so far. */
  get size(): number {
    return this.points.size;
  }

  /** The pairs of every fork point; `load` reads a parent debate (null when the store no longer has it). */
  async *rows(load: (id: string) => Promise<TranscriptRecord | null>): AsyncGenerator<PreferenceRow> {
    for (const point of this.points.values()) {
      const parent = await load(point.parentId);
      const own = parent ? branchAt(parent, point.eventIndex) : null;
      const branches = [...(own ? [own.branch] : []), ...point.branches];
      for (const a of branches) {
        for (const b of branches) {
          if (a.seat !== b.seat || a.answer !== b.answer || a.p === null || b.p === null || !(a.p > b.p)) continue;
          yield {
            prompt: point.prompt,
            chosen: assistant(a.reply),
            rejected: assistant(b.reply),
            debate_id: point.parentId,
            event: point.eventIndex,
            seat: a.seat,
            agent: parent ? seatAgent(parent, a.seat) : 'unknown',
            answer: a.answer === undefined ? null : answerLabel(a.answer),
            correct_answer: answerLabel(point.correct),
            evidence: { kind: 'fork', parent_id: point.parentId, chosen_debate: a.debateId, rejected_debate: b.debateId, chosen_p: a.p, rejected_p: b.p },
          };
        }
      }
    }
  }
}
