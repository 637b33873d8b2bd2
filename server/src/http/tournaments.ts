/**
 * POST /tournaments (researcher token): runs or resumes a tournament inside the server,
 * each debate a live session, so seats may be remote agents. Body:
 * `{ id, agents, judge?, format?, rounds?, seeds?, pack?, scenarios?, concurrency?, visibility? }`
 * as `arena tournament` takes them (private unless `visibility: 'public'`). The answer streams JSON lines: `{ type: 'start', planned }`,
 * `{ type: 'round', round, pairs, bye }` when a round is paired, one
 * `{ type: 'debate', id, outcome, correct?, error? }` per debate, a `{ type: 'waiting' }`
 * every 20 s, and `{ type: 'summary', … }` (rounds, matches, standings). A refusal before
 * the start is an ordinary error status. `arena tournament --server <url>` calls it.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { TournamentService } from '../tournament/service.ts';
import { TOURNAMENT_FORMATS, TOURNAMENT_ID } from '../tournament/tournament.ts';
import { requireResearcher, valueOr4xx } from './access.ts';
import { parseOr400 } from './errors.ts';

const TournamentRequest = z
  .object({
    id: z.string().regex(TOURNAMENT_ID, 'letters, digits, ".", "_" and "-", at most 60'),
    agents: z.array(z.string().min(1).max(400)).min(2).max(20),
    judge: z.string().min(1).max(400).default('builtin:passage-judge'),
    format: z.enum(TOURNAMENT_FORMATS).default('swiss'),
    rounds: z.number().int().min(1).max(50).optional(),
    seeds: z.number().int().min(1).max(20).optional(),
    pack: z.string().max(200).optional(),
    scenarios: z.array(z.string().max(200)).max(1000).optional(),
    concurrency: z.number().int().min(1).max(200).default(4),
    visibility: z.enum(['private', 'public']).default('private'),
  })
  .strict();

export interface TournamentRouterDeps {
  tournaments: TournamentService;
  researcherToken: string;
}

export function tournamentRouter(deps: TournamentRouterDeps): Router {
  const api = express.Router();
  api.post('/tournaments', async (req, res) => {
    const who = requireResearcher(req, deps);
    const body = parseOr400(TournamentRequest, req.body ?? {}, 'tournament request');
    // Refusals (an unknown agent, no scenarios, an id taken by other settings) come before the stream starts, with their status.
    valueOr4xx(await deps.tournaments.check(who, body));
    res.type('application/x-ndjson');
    const line = (o: Record<string, unknown>) => res.write(`${JSON.stringify(o)}\n`);
    const keepAlive = setInterval(() => line({ type: 'waiting' }), 20_000);
    const stop = new AbortController();
    res.on('close', () => stop.abort());
    try {
      const result = await deps.tournaments.run(who, body, {
        signal: stop.signal,
        onStart: (planned) => line({ type: 'start', planned }),
        onRound: (round, pairing) => line({ type: 'round', round, pairs: pairing.pairs, bye: pairing.bye }),
        onDebate: ({ item, outcome, correct, error }) => line({ type: 'debate', id: item.id, outcome, ...(correct !== undefined ? { correct } : {}), ...(error ? { error } : {}) }),
      });
      line(result.ok ? { type: 'summary', ...result.value } : { type: 'refused', code: result.code, error: result.reason });
    } finally {
      clearInterval(keepAlive);
      res.end();
    }
  });
  return api;
}
