/**
 * Preference pairs (prompt / chosen / rejected, the conversational format of DPO-style
 * trainers) from two kinds of evidence:
 *
 * - candidates: an LLM debater that drafts several speeches (best-of-N) or critiques and
 *   rewrites its speech (critique-and-refine) keeps every candidate with its scorer's
 *   probability for its answer in the event's meta (`candidates`: stage, round, text, score,
 *   critique; `chosenCandidate`; a remote agent's meta in the same shape under `remote`);
 *   every two scored candidates with different scores make a pair, the higher chosen.
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

export interface CandidateEvidence {
  /** `best-of-n` when both are drafts, `critique-and-refine` when either is a rewrite. */
  kind: 'best-of-n' | 'critique-and-refine';
  /** The judge agent that scored the candidates (absent in older transcripts and remote agents' meta). */
  scorer: string | null;
  /** The scorer's probability for the debater's answer after each candidate. */
  chosen_score: number;
  rejected_score: number;
  /** Indices among the candidates, and the one the debater spoke (-1: not said). */
  chosen_candidate: number;
  rejected_candidate: number;
  spoken_candidate: number;
  /** draft or refined, and the critique-and-refine round (0 for drafts). */
  chosen_stage: 'draft' | 'refined';
  rejected_stage: 'draft' | 'refined';
  chosen_round: number;
  rejected_round: number;
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
  evidence: CandidateEvidence | ForkEvidence;
}

const assistant = (content: string): ChatMessage[] => [{ role: 'assistant', content }];

interface Candidate {
  stage: 'draft' | 'refined';
  round: number;
  text: string;
  score: number | null;
}

interface CandidatesMeta {
  candidates: Candidate[];
  spoken: number;
  scorer: string | null;
}

/** The candidates an event's meta keeps (an LLM agent's, or a remote agent's under `remote`), read defensively: meta is free-form. */
export function candidatesOf(meta: Record<string, unknown> | undefined): CandidatesMeta | null {
  const remote = meta?.['remote'];
  const m = Array.isArray(meta?.['candidates']) ? meta : remote && typeof remote === 'object' ? (remote as Record<string, unknown>) : undefined;
  const raw = m?.['candidates'];
  if (!m || !Array.isArray(raw)) return null;
  const candidates = raw.flatMap((c): Candidate[] => {
    if (!c || typeof c !== 'object') return [];
    const o = c as Record<string, unknown>;
    if ((o['stage'] !== 'draft' && o['stage'] !== 'refined') || typeof o['text'] !== 'string') return [];
    const score = typeof o['score'] === 'number' && Number.isFinite(o['score']) ? o['score'] : null;
    return [{ stage: o['stage'], round: typeof o['round'] === 'number' ? o['round'] : 0, text: o['text'], score }];
  });
  if (candidates.length < 2) return null;
  const spoken = m['chosenCandidate'];
  const scorer = m['scorer'];
  return { candidates, spoken: typeof spoken === 'number' ? spoken : -1, scorer: typeof scorer === 'string' ? scorer : null };
}

/** The pairs of one debate's scored speech candidates (best-of-N drafts, critique-and-refine rewrites); a fork's from its own speeches only (its parent's give the copied ones). */
export function candidateRows(r: TranscriptRecord, promptsDir?: string): PreferenceRow[] {
  if (!hasChatPrompts(r)) return [];
  if (!r.events.some((e) => candidatesOf(e.meta))) return [];
  const { turns, sides } = debateTurns(r);
  const rows: PreferenceRow[] = [];
  for (const turn of turns) {
    const m = turn.event.action.type === 'speech' ? candidatesOf(turn.event.meta) : null;
    if (!m) continue;
    const prompt = promptMessages(turn, promptsDir);
    const side = sides[turn.seat as DebaterSeat];
    m.candidates.forEach((a, i) => {
      m.candidates.forEach((b, j) => {
        if (a.score === null || b.score === null || !(a.score > b.score)) return;
        rows.push({
          prompt,
          chosen: assistant(a.text),
          rejected: assistant(b.text),
          debate_id: r.header.id,
          event: turn.index,
          seat: turn.seat,
          agent: seatAgent(r, turn.seat),
          answer: side === undefined ? null : answerLabel(side),
          correct_answer: answerLabel(r.header.assignment.correctIndex),
          evidence: {
            kind: a.stage === 'draft' && b.stage === 'draft' ? 'best-of-n' : 'critique-and-refine',
            scorer: m.scorer,
            chosen_score: a.score,
            rejected_score: b.score,
            chosen_candidate: i,
            rejected_candidate: j,
            spoken_candidate: m.spoken,
            chosen_stage: a.stage,
            rejected_stage: b.stage,
            chosen_round: a.round,
            rejected_round: b.round,
          },
        });
      });
    });
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

/**
 * The branch a finished debate makes from event `eventIndex` on: the first debater speech at
 * or after it (by `seat` when given; null when there is none).
 */
function branchAt(r: TranscriptRecord, eventIndex: number, bySeat?: DebaterSeat, promptsDir?: string): { branch: ForkBranch; prompt: () => ChatMessage[] } | null {
  // A parent that is itself a fork may have been forked within the events it copied.
  const { turns, sides } = debateTurns(r, { inherited: true });
  const turn = turns.find((t) => t.index >= eventIndex && t.seat !== 'judge' && t.event.action.type === 'speech' && (bySeat === undefined || t.seat === bySeat));
  if (!turn) return null;
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
  private readonly points = new Map<string, { parentId: string; eventIndex: number; seat: DebaterSeat; branches: ForkBranch[]; prompt: ChatMessage[]; correct: number }>();
  private readonly promptsDir?: string;

  constructor(promptsDir?: string) {
    this.promptsDir = promptsDir;
  }

  /** Notes a debate if it is a fork (image debates and branches at anything but a speech are ignored). */
  add(r: TranscriptRecord): void {
    const parent = forkParentOf(r);
    if (!parent || !hasChatPrompts(r)) return;
    const b = branchAt(r, parent.eventIndex, undefined, this.promptsDir);
    if (!b) return;
    const key = `${parent.debateId}\u0000${parent.eventIndex}\u0000${b.branch.seat}`;
    let point = this.points.get(key);
    if (!point) this.points.set(key, (point = { parentId: parent.debateId, eventIndex: parent.eventIndex, seat: b.branch.seat, branches: [], prompt: b.prompt(), correct: r.header.assignment.correctIndex }));
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
      const own = parent ? branchAt(parent, point.eventIndex, point.seat) : null;
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
