/**
 * Original vs re-judged accuracy on the same debates. Pure: transcripts in, numbers out.
 * For each new judge (agent id, or "human"), the originals with a finished verdict that
 * it re-judged at least once: the original judge's accuracy, the re-judged accuracy
 * (an original re-judged several times counts once, with its mean), and the paired
 * difference (re-judged − original) with a 95% paired bootstrap over originals.
 */
import { pairedBootstrap, type DebateHeader, type PairedDifference, type TranscriptRecord } from '@arena/shared';
import type { RejudgeMeta } from './header.ts';

export interface RejudgeRow {
  /** The new judge: an agent id, or "human". */
  judge: string;
  /** Originals re-judged (with a finished original and a finished re-judging). */
  n: number;
  /** Finished re-judging debates behind those originals. */
  rejudges: number;
  originalAccuracy: number;
  rejudgedAccuracy: number;
  /** Re-judged − original accuracy, paired by original. */
  difference: PairedDifference;
}

export interface RejudgeComparison {
  /** Originals in the selection with at least one finished re-judging. */
  originals: number;
  rows: RejudgeRow[];
  method: string;
}

export const REJUDGE_METHOD =
  'Re-judged: the same speeches, round by round, before a new judge. Accuracy: strictly the most probability on the correct answer. ' +
  'Per original, the re-judged accuracy is the mean over its re-judgings by that judge; difference = re-judged − original, ' +
  '95% percentile paired bootstrap over originals (10,000 resamples, seed "paired-bootstrap").';

/** The judge of a re-judging debate as the report names it. */
export function rejudgeJudge(r: TranscriptRecord): string {
  const h = r.header as DebateHeader;
  const meta = h.meta?.['rejudge'] as RejudgeMeta | undefined;
  if (meta?.judge) return meta.judge;
  const seat = h.seats.judge;
  return seat?.kind === 'agent' ? (seat.agent ?? 'agent') : 'human';
}

/**
 * Compares `originals` with the re-judging debates among `rejudges` that re-judge them
 * (header.meta.rejudgeOf); other records in either list are ignored.
 */
export function compareRejudged(originals: Iterable<TranscriptRecord>, rejudges: Iterable<TranscriptRecord>, options: { resamples?: number } = {}): RejudgeComparison {
  const correctOf = new Map<string, boolean>();
  for (const r of originals) {
    if (r.status === 'finished' && r.verdict && (r.header as DebateHeader).meta?.['rejudgeOf'] === undefined) correctOf.set(r.header.id, r.verdict.correct);
  }
  // judge → original → re-judged verdicts
  const byJudge = new Map<string, Map<string, boolean[]>>();
  for (const r of rejudges) {
    const of = (r.header as DebateHeader).meta?.['rejudgeOf'];
    if (typeof of !== 'string' || !correctOf.has(of) || r.status !== 'finished' || !r.verdict) continue;
    const judge = rejudgeJudge(r);
    const m = byJudge.get(judge) ?? new Map<string, boolean[]>();
    m.set(of, [...(m.get(of) ?? []), r.verdict.correct]);
    byJudge.set(judge, m);
  }
  const all = new Set<string>();
  const rows: RejudgeRow[] = [...byJudge.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([judge, m]) => {
      const pairs = [...m.entries()].map(([key, verdicts]) => {
        all.add(key);
        return { key, a: verdicts.filter(Boolean).length / verdicts.length, b: correctOf.get(key) ? 1 : 0 };
      });
      const n = pairs.length;
      return {
        judge,
        n,
        rejudges: [...m.values()].reduce((s, v) => s + v.length, 0),
        originalAccuracy: pairs.reduce((s, p) => s + p.b, 0) / n,
        rejudgedAccuracy: pairs.reduce((s, p) => s + p.a, 0) / n,
        difference: pairedBootstrap(pairs, { resamples: options.resamples ?? 10_000 }),
      };
    });
  return { originals: all.size, rows, method: REJUDGE_METHOD };
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');

/** The comparison as a Markdown table (readable in a terminal too). */
export function formatRejudgeComparison(c: RejudgeComparison): string {
  const lines = [
    `Re-judged: ${c.originals} original debate(s) judged again`,
    '',
    '| New judge | Originals re-judged (n) | Re-judgings | Original accuracy | Re-judged accuracy | Difference (re-judged − original) | 95% CI (paired bootstrap) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of c.rows) {
    lines.push(
      `| ${r.judge} | ${r.n} | ${r.rejudges} | ${f3(r.originalAccuracy)} | ${f3(r.rejudgedAccuracy)} | ${f3(r.difference.difference)} | [${f3(r.difference.low)}, ${f3(r.difference.high)}] |`,
    );
  }
  lines.push('', c.method);
  return lines.join('\n');
}
