import express, { type Router } from 'express';
import { z } from 'zod';
import { PROVENANCES, safeText, type ResultsResponse } from '@arena/shared';
import type { PackInfo } from '@arena/shared';
import type { Store } from '../store/store.ts';
import { judgementsCsv, turnsCsv } from '../report/csv.ts';
import { selectOutcomes, type ReportFilter } from '../report/outcomes.ts';
import { reportOf } from '../report/report.ts';
import { excludedSelection, loadSelection, sourceName, storeSources, UnknownSource } from '../report/select.ts';
import type { StudyParticipants } from '../report/exclusions.ts';
import { HttpError, parseOr400 } from './errors.ts';
import { requestPrincipal } from './access.ts';
import { listScope } from '../access/policy.ts';
import { viewerOf, type StudyShield } from '../access/study.ts';

/** A date as ms since the epoch or anything Date parses ("2026-11-01"). */
const When = z
  .union([z.coerce.number().finite(), safeText(z.string().min(1).max(100))])
  .transform((v, c) => {
    const ms = typeof v === 'number' ? v : Date.parse(v);
    if (!Number.isFinite(ms)) {
      c.addIssue({ code: 'custom', message: 'not a date (ms since 1970 or YYYY-MM-DD)' });
      return z.NEVER;
    }
    return ms;
  });

const ResultsQuery = z.object({
  pack: safeText(z.string().max(200)).optional(),
  preset: safeText(z.string().max(100)).optional(),
  /** "arena" for debates played here, "nyu" for the NYU dataset; otherwise a source name. */
  source: safeText(z.string().max(200)).optional(),
  judge: z.enum(['human', 'ai']).optional(),
  /** Who debated: every debater seat a human, or every one an agent. */
  debaters: z.enum(['human', 'ai']).optional(),
  agent: safeText(z.string().max(200)).optional(),
  inPaper: z.enum(['true', 'false']).optional(),
  /** Only debates created this way (header.provenance); "unknown" for those stored before it was recorded. */
  provenance: z.enum([...PROVENANCES, 'unknown']).optional(),
  /** Only the counted items of this study (practice items, attention checks and excluded participants' judgements apart). */
  study: safeText(z.string().min(1).max(200)).optional(),
  /** Only the debates of this tournament. */
  tournament: safeText(z.string().min(1).max(60)).optional(),
  since: When.optional(),
  until: When.optional(),
  /** "json" (default), or a CSV of the selection: "judgements" or "turns". */
  format: z.enum(['json', 'judgements', 'turns']).optional(),
});

/**
 * GET /api/results: the report of `arena report` over the finished debates of a
 * selection (same module, same numbers); `format=judgements|turns` downloads the
 * selection's tidy CSV. Over the debates the caller may list (the access policy):
 * public ones for anyone, all of them for researchers; unfinished ones never count.
 */
export interface ResultsRouterDeps {
  store: Store;
  /** The studies, whose rules exclude some participants' judgements from every count. */
  studies: StudyParticipants;
  /** The scenarios of the studies running now: no results over them outside the study (access/study.ts). */
  shield: () => Promise<StudyShield>;
  packs: readonly PackInfo[];
  researcherToken: string;
}

export function resultsRouter(deps: ResultsRouterDeps): Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    const q = parseOr400(ResultsQuery, req.query, 'query');
    const source = sourceName(q.source);
    const filter: ReportFilter = {
      ...(source ? { source } : {}),
      ...(q.pack ? { pack: q.pack } : {}),
      ...(q.preset ? { preset: q.preset } : {}),
      ...(q.judge ? { judge: q.judge } : {}),
      ...(q.debaters ? { debaters: q.debaters } : {}),
      ...(q.agent ? { agent: q.agent } : {}),
      ...(q.inPaper ? { inPaper: q.inPaper === 'true' } : {}),
      ...(q.provenance ? { provenance: q.provenance } : {}),
      ...(q.study ? { study: q.study } : {}),
      ...(q.tournament ? { tournament: q.tournament } : {}),
    };
    const who = requestPrincipal(req, deps);
    const scope = listScope(who);
    const bounds = {
      ...(scope === 'public' ? { visibility: 'public' as const } : {}),
      ...(viewerOf(who).researcher ? {} : { exceptScenarios: [...(await deps.shield()).keys()] }),
      ...(q.since !== undefined ? { since: q.since } : {}),
      // A bare date as the upper bound includes that whole day.
      ...(q.until !== undefined ? { until: q.until + (/^\d{4}-\d{2}-\d{2}$/.test(String(req.query.until)) ? 86_400_000 : 0) } : {}),
    };
    let records;
    try {
      records = await loadSelection({ debates: deps.store, studies: deps.studies }, filter, bounds);
    } catch (e) {
      if (e instanceof UnknownSource) throw new HttpError(400, e.message);
      throw e;
    }
    const { debates, outcomes } = selectOutcomes(records, filter);
    if (q.format === 'judgements' || q.format === 'turns') {
      res.type('text/csv; charset=utf-8').attachment(`${q.format}.csv`);
      res.send(q.format === 'judgements' ? judgementsCsv(outcomes) : turnsCsv(outcomes));
      return;
    }
    const report = reportOf(outcomes, debates, filter);
    const agents = new Set<string>();
    for (const r of records) for (const s of Object.values(r.header.seats)) if (s?.kind === 'agent') agents.add(s.agent ?? 'agent');
    const excluded = (await excludedSelection({ debates: deps.store, studies: deps.studies }, filter, bounds)).filter((r) => r.status === 'finished').length;
    res.json({
      total: outcomes.length,
      /** Judgements of the selection given by study participants their study excluded: shown apart, never counted. */
      excludedJudgements: excluded,
      report,
      packs: [...new Set([...deps.packs.map((p) => p.id), ...records.map((r) => r.header.scenario.pack ?? '').filter(Boolean)])].sort(),
      sources: await storeSources(deps.store, bounds.visibility),
      agents: [...agents].sort(),
    } satisfies ResultsResponse);
  });
  return router;
}
