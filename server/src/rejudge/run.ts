/**
 * Re-judging in batch: each selected original is judged again by an AI judge, through
 * the engine with a virtual clock (as self-play does), and stored as an ordinary
 * transcript. Ids depend on (original, judge, seed) only, so a re-run skips what is done.
 */
import type { Agent } from '../agents/agent.ts';
import { playHeader } from '../selfplay/run-debate.ts';
import type { DebateHeader, Seat } from '@arena/shared';
import type { AgentCatalog } from '../agents/registry.ts';
import { recordDebate } from '../debates/create.ts';
import type { ListFilter, Store } from '../store/store.ts';
import { NotRejudgeable, REJUDGE_SOURCE, rejudgeHeader, rejudgeId } from './header.ts';
import { replayKind } from './replay-agent.ts';

export interface RejudgeSelection {
  /** Originals from this source (header.source.name; "none" for debates played here). */
  source?: string;
  /** These originals only. */
  ids?: string[];
}

export interface RejudgeBatchOptions extends RejudgeSelection {
  store: Store;
  /** The judge agent id. Default builtin:passage-judge. */
  judge?: string;
  /** The agents the judge may be (the command's catalog). */
  agents: AgentCatalog;
  /** Seed of the re-judging (part of the id). Default "r1". */
  seed?: string;
  /** Re-judge at most this many new originals, then stop (a re-run resumes). */
  limit?: number;
  concurrency?: number;
  signal?: AbortSignal;
  turnTimeoutMs?: number;
  startAt?: number;
  onTotal?: (total: number) => void;
  onDebate?: (e: { originalId: string; id: string; outcome: 'played' | 'skipped' | 'failed'; correct?: boolean; error?: string }) => void;
  log?: (line: string) => void;
}

export interface RejudgeBatchSummary {
  judge: string;
  selected: number;
  /** Originals that cannot be re-judged (no speeches, no debaters). */
  notRejudgeable: number;
  skipped: number;
  played: number;
  failed: number;
  correct: number;
  seconds: number;
  errors: { id: string; error: string }[];
}

/** The ids of the originals in a selection, oldest first (re-judging debates themselves excluded). */
export async function selectOriginals(store: Store, sel: RejudgeSelection): Promise<string[]> {
  const filter: ListFilter = {};
  if (sel.source) filter.source = sel.source === 'none' ? null : sel.source;
  const rows = await store.debateSources();
  const wanted = sel.ids ? new Set(sel.ids) : null;
  return rows
    .filter((r) => r.source !== REJUDGE_SOURCE)
    .filter((r) => (filter.source === undefined ? true : filter.source === null ? r.source === null : r.source === filter.source))
    .filter((r) => !wanted || wanted.has(r.id))
    .map((r) => r.id);
}

/** Re-judges the selected originals with one AI judge; resumable. */
export async function runRejudgeBatch(o: RejudgeBatchOptions): Promise<RejudgeBatchSummary> {
  const judge = o.judge ?? 'builtin:passage-judge';
  const seed = o.seed ?? 'r1';
  const started = Date.now();
  const startAt = o.startAt ?? started;
  // Fail before any work on an unknown judge or a missing API key.
  o.agents.make(judge, 'check');
  const ids = await selectOriginals(o.store, o);
  if (o.ids) {
    const missing = o.ids.filter((id) => !ids.includes(id));
    if (missing.length) throw new Error(`no such original debate(s): ${missing.join(', ')}`);
  }
  o.onTotal?.(ids.length);
  const summary: RejudgeBatchSummary = { judge, selected: ids.length, notRejudgeable: 0, skipped: 0, played: 0, failed: 0, correct: 0, seconds: 0, errors: [] };
  const limit = o.limit ?? Infinity;
  let next = 0;
  let launched = 0;
  const worker = async () => {
    for (;;) {
      if (o.signal?.aborted || launched >= limit) return;
      const originalId = ids[next++];
      if (originalId === undefined) return;
      const id = rejudgeId(originalId, judge, seed);
      if (await o.store.exists(id)) {
        summary.skipped++;
        o.onDebate?.({ originalId, id, outcome: 'skipped' });
        continue;
      }
      if (launched >= limit) return;
      launched++;
      const original = await o.store.getTranscript(originalId);
      let header: DebateHeader;
      try {
        if (!original) throw new NotRejudgeable(`no debate "${originalId}"`);
        header = rejudgeHeader(original, { id, judge: { kind: 'agent', agent: judge }, seed, createdAt: startAt });
      } catch (err) {
        if (!(err instanceof NotRejudgeable)) throw err;
        summary.notRejudgeable++;
        launched--;
        o.onDebate?.({ originalId, id, outcome: 'skipped', error: err.message });
        continue;
      }
      try {
        const agents: Partial<Record<Seat, Agent>> = {};
        // The debaters replay this original's speeches.
        const catalog = o.agents.withKind(replayKind(async () => original));
        for (const [seat, c] of Object.entries(header.seats)) agents[seat as Seat] = catalog.make(c.agent as string, `${header.seed}/${seat}`);
        // Through the one creation service: the judge agent is checked against the evidence kind, and the transcript is stored private.
        const deps = { store: o.store, scenarios: new Map(), agentCapabilities: (a: string) => catalog.capabilities(a) };
        const { record } = await recordDebate(deps, { header }, 'private', (h) =>
          playHeader(h, agents, {
            ...(o.turnTimeoutMs ? { turnTimeoutMs: o.turnTimeoutMs } : {}),
            ...(o.log ? { drive: { log: o.log } } : {}),
          }),
        );
        summary.played++;
        if (record.verdict?.correct) summary.correct++;
        o.onDebate?.({ originalId, id, outcome: 'played', correct: record.verdict?.correct ?? false });
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        summary.failed++;
        summary.errors.push({ id, error });
        o.onDebate?.({ originalId, id, outcome: 'failed', error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 4) }, worker));
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}
