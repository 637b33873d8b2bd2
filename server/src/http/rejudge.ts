/**
 * Re-judging over HTTP:
 * - POST /rejudge { debateId, judge?: {kind:'human'} | {kind:'agent', agent}, count? }
 *   (researcher token) creates `count` re-judging debates of a stored debate. A human
 *   judge gets one judge link per debate (the ordinary judge page); an AI judge's
 *   debates are played through the engine at once and stored.
 * - GET /debates/:id/rejudges lists the re-judgings of a debate.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { RejudgeService } from '../rejudge/service.ts';
import { requireResearcher, valueOr4xx } from './access.ts';
import { parseOr400 } from './errors.ts';
import { DebateIdParam } from './input.ts';

const RejudgeRequest = z
  .object({
    debateId: DebateIdParam,
    judge: z
      .discriminatedUnion('kind', [z.object({ kind: z.literal('human') }).strict(), z.object({ kind: z.literal('agent'), agent: z.string().min(1).max(200) }).strict()])
      .default({ kind: 'human' }),
    count: z.number().int().min(1).max(100).default(1),
  })
  .strict();

export interface RejudgeRouterDeps {
  rejudging: RejudgeService;
  researcherToken: string;
}

export function rejudgeRouter(deps: RejudgeRouterDeps): Router {
  const router = express.Router();

  router.post('/rejudge', async (req, res) => {
    // The researcher token is checked before the body is read.
    const who = requireResearcher(req, deps);
    const body = parseOr400(RejudgeRequest, req.body, 'rejudge request');
    res.status(201).json(valueOr4xx(await deps.rejudging.rejudge(who, body)));
  });

  router.get('/debates/:id/rejudges', async (req, res) => {
    const who = requireResearcher(req, deps);
    res.json(valueOr4xx(await deps.rejudging.rejudges(who, req.params.id)));
  });

  return router;
}
