import express, { type Router } from 'express';
import { z } from 'zod';
import { calibration, mean, wilson } from '@arena/shared';
import type { ArenaContext } from '../context.ts';
import { parseOr400 } from './errors.ts';

/** A date as ms since the epoch or anything Date parses ("2026-11-01"). */
const When = z
  .union([z.coerce.number().finite(), z.string().min(1)])
  .transform((v, c) => {
    const ms = typeof v === 'number' ? v : Date.parse(v);
    if (!Number.isFinite(ms)) {
      c.addIssue({ code: 'custom', message: 'not a date (ms since 1970 or YYYY-MM-DD)' });
      return z.NEVER;
    }
    return ms;
  });

const ResultsQuery = z.object({
  pack: z.string().max(200).optional(),
  preset: z.string().max(100).optional(),
  /** "arena" for debates played here; otherwise an import's source name. */
  source: z.string().max(200).optional(),
  since: When.optional(),
  until: When.optional(),
});

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * GET /api/results: judge accuracy by protocol over finished debates, with 95% Wilson
 * intervals, mean judge score and the calibration of the judge's final probability on
 * the answer it favoured. Public, and aggregates only: no transcript content, and
 * unfinished debates never count.
 */
export function resultsRouter(ctx: ArenaContext): Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    const q = parseOr400(ResultsQuery, req.query, 'query');
    const byPreset = new Map<string, { correct: number; n: number; scores: number[] }>();
    const points: { p: number; outcome: boolean }[] = [];
    const sources = new Set<string>();
    const packs = new Set<string>(ctx.packs.map((p) => p.id));
    const filter = {
      status: 'finished' as const,
      ...(q.pack ? { pack: q.pack } : {}),
      ...(q.preset ? { preset: q.preset } : {}),
      ...(q.source ? { source: q.source === 'arena' ? null : q.source } : {}),
      ...(q.since !== undefined ? { since: q.since } : {}),
      // A bare date as the upper bound includes that whole day.
      ...(q.until !== undefined ? { until: q.until + (/^\d{4}-\d{2}-\d{2}$/.test(String(req.query.until)) ? 86_400_000 : 0) } : {}),
    };
    for await (const record of ctx.store.transcripts(filter)) {
      const v = record.verdict;
      if (record.status !== 'finished' || !v) continue;
      sources.add(record.header.source?.name ?? 'arena');
      if (record.header.scenario.pack) packs.add(record.header.scenario.pack);
      const preset = record.header.rules.preset;
      const row = byPreset.get(preset) ?? { correct: 0, n: 0, scores: [] };
      row.n++;
      if (v.correct) row.correct++;
      row.scores.push(v.judgeScore);
      byPreset.set(preset, row);
      // The favoured answer was right exactly when the verdict is correct (a tie favours none, and counts as wrong, as in the accuracy).
      points.push({ p: Math.max(...v.probabilities), outcome: v.correct });
    }
    const byProtocol = [...byPreset.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([preset, r]) => {
        const w = wilson(r.correct, r.n);
        return { preset, n: r.n, correct: r.correct, accuracy: finite(w.rate), low: w.low, high: w.high, meanJudgeScore: finite(mean(r.scores)) };
      });
    const cal = calibration(points, 10);
    res.json({
      total: points.length,
      byProtocol,
      calibration: {
        points: points.length,
        ece: finite(cal.ece),
        bins: cal.bins.map((b) => ({ low: b.low, high: b.high, n: b.n, meanProbability: finite(b.meanProbability), frequency: finite(b.frequency) })),
      },
      packs: [...packs].sort(),
      sources: [...sources].sort(),
    });
  });
  return router;
}
