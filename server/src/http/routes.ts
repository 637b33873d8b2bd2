/**
 * The HTTP API: one small router per resource, each handed exactly what it needs by
 * app.ts (apiRouter only mounts them), and the API's own endpoints (health, the
 * researchers' export, the transcript schema).
 */
import express, { type Router } from 'express';
import { PROTOCOL_VERSION, transcriptJsonSchema, type HealthResponse } from '@arena/shared';
import type { Store } from '../store/store.ts';
import { requestPrincipal, requireResearcher } from './access.ts';
import { healthDetail } from '../access/policy.ts';
import { credentialsOf } from '../access/request.ts';
import { addressLimit, type LimitStores } from './limits.ts';
import { agentsRouter, type AgentsRouterDeps } from './agents.ts';
import { debatesRouter, ListQuery, type DebatesRouterDeps } from './debates.ts';
import { HttpError, parseOr400 } from './errors.ts';
import { checkPathSegments, jsonBody } from './input.ts';
import { lobbyRouter, type LobbyRouterDeps } from './lobby.ts';
import { rejudgeRouter, type RejudgeRouterDeps } from './rejudge.ts';
import { resultsRouter, type ResultsRouterDeps } from './results.ts';
import { noStore } from './security.ts';
import { selfplayRouter, type SelfplayRouterDeps } from './selfplay.ts';
import { tournamentRouter, type TournamentRouterDeps } from './tournaments.ts';

export interface ApiRouters {
  researcherToken: string;
  store: Pick<Store, 'ping' | 'kind' | 'transcripts'>;
  /** Where the per-address limits count (Redis with several processes). */
  limitStores?: LimitStores | undefined;
  /** Requests with a refused token (401) one address may make in a minute before its requests with a token wait. */
  tokenFailuresPerMinute: number;
  debates: DebatesRouterDeps;
  lobby: LobbyRouterDeps;
  results: ResultsRouterDeps;
  rejudge: RejudgeRouterDeps;
  agents: AgentsRouterDeps;
  selfplay: SelfplayRouterDeps;
  tournaments: TournamentRouterDeps;
  /** The study routes, built by app.ts. */
  studies: Router;
}

export function apiRouter(deps: ApiRouters): Router {
  const api = express.Router();
  api.use(noStore);
  api.use(...jsonBody());
  api.use(checkPathSegments);
  // Guessing the researcher's (or any) token: an address whose requests with a token are refused
  // as unauthenticated again and again waits, whatever the endpoint.
  api.use(
    addressLimit({
      name: 'token-guesses',
      windowMs: 60_000,
      limit: deps.tokenFailuresPerMinute,
      skip: (req) => credentialsOf(req).bearer === undefined,
      counts: (status) => status === 401,
      what: `at most ${deps.tokenFailuresPerMinute} requests a minute from one address with a token that is refused`,
      stores: deps.limitStores,
    }),
  );

  /** That the server is up, to anyone; the store, its latency and the uptime to researchers only (a store's latency is a timing signal). */
  api.get('/health', async (req, res) => {
    if (healthDetail(requestPrincipal(req, deps)) === 'up') {
      res.json({ ok: true, protocol: PROTOCOL_VERSION } satisfies HealthResponse);
      return;
    }
    const started = Date.now();
    await deps.store.ping();
    res.json({ ok: true, protocol: PROTOCOL_VERSION, store: deps.store.kind, storeMs: Date.now() - started, uptimeSeconds: Math.round(process.uptime()) } satisfies HealthResponse);
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
  api.use(tournamentRouter(deps.tournaments));

  api.use((_req, _res) => {
    throw new HttpError(404, 'no such API endpoint');
  });
  return api;
}
