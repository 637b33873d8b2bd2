/**
 * The HTTP API: one small router per resource, each handed exactly what it needs by
 * app.ts (apiRouter only mounts them), and the API's own endpoints (health, the
 * researchers' export, the transcript schema).
 */
import express, { type Router } from 'express';
import { PROTOCOL_VERSION, transcriptJsonSchema } from '@arena/shared';
import type { Store } from '../store/store.ts';
import { requireResearcher } from './access.ts';
import { agentsRouter, type AgentsRouterDeps } from './agents.ts';
import { debatesRouter, ListQuery, type DebatesRouterDeps } from './debates.ts';
import { HttpError, parseOr400 } from './errors.ts';
import { checkPathSegments, jsonBody } from './input.ts';
import { lobbyRouter, type LobbyRouterDeps } from './lobby.ts';
import { rejudgeRouter, type RejudgeRouterDeps } from './rejudge.ts';
import { resultsRouter, type ResultsRouterDeps } from './results.ts';
import { noStore } from './security.ts';
import { selfplayRouter, type SelfplayRouterDeps } from './selfplay.ts';

export interface ApiRouters {
  researcherToken: string;
  store: Pick<Store, 'ping' | 'kind' | 'transcripts'>;
  debates: DebatesRouterDeps;
  lobby: LobbyRouterDeps;
  results: ResultsRouterDeps;
  rejudge: RejudgeRouterDeps;
  agents: AgentsRouterDeps;
  selfplay: SelfplayRouterDeps;
  /** The study routes, built by app.ts. */
  studies: Router;
}

export function apiRouter(deps: ApiRouters): Router {
  const api = express.Router();
  api.use(noStore);
  api.use(...jsonBody());
  api.use(checkPathSegments);

  api.get('/health', async (_req, res) => {
    const started = Date.now();
    await deps.store.ping();
    res.json({ ok: true, protocol: PROTOCOL_VERSION, store: deps.store.kind, storeMs: Date.now() - started, uptimeSeconds: Math.round(process.uptime()) });
  });

  api.use(lobbyRouter(deps.lobby));
  api.use(debatesRouter(deps.debates));

  api.get('/export.jsonl', async (req, res) => {
    requireResearcher(req, deps);
    const q = parseOr400(ListQuery.omit({ limit: true, offset: true }), req.query, 'query');
    res.type('application/x-ndjson');
    res.setHeader('content-disposition', 'attachment; filename="transcripts.jsonl"');
    for await (const record of deps.store.transcripts({ ...q, source: q.source === 'arena' ? null : q.source })) {
      res.write(`${JSON.stringify(record)}\n`);
    }
    res.end();
  });

  api.get('/schema/transcript.json', (_req, res) => {
    res.json(transcriptJsonSchema());
  });

  api.use('/results', resultsRouter(deps.results));
  api.use(rejudgeRouter(deps.rejudge));
  api.use(deps.studies);
  api.use(agentsRouter(deps.agents));
  api.use(selfplayRouter(deps.selfplay));

  api.use((_req, _res) => {
    throw new HttpError(404, 'no such API endpoint');
  });
  return api;
}
