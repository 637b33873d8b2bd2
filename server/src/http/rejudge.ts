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
import { NotRejudgeable, listRejudges, rejudgeHeader } from '../rejudge/header.ts';
import { playHeader } from '../selfplay/run-debate.ts';
import { newDebateId, newToken } from '../tokens.ts';
import { createDebate, CreateRefused, prepareDebate, recordDebate, type CreateDeps } from '../debates/create.ts';
import type { AgentCatalog } from '../agents/registry.ts';
import type { Store } from '../store/store.ts';
import { requireResearcher } from './access.ts';
import { HttpError, parseOr400 } from './errors.ts';
import { DebateIdParam, checkIdParam } from './input.ts';
import type { Agent } from '../agents/agent.ts';
import type { Seat } from '@arena/shared';

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
  store: Store;
  /** The creation service's dependencies; its agents are the server's catalog, replay agents included. */
  creating: CreateDeps;
  agents: Pick<AgentCatalog, 'make'>;
  /** An AI judge's turn budget, ms. */
  agentTurnMs: number;
  researcherToken: string;
}

export function rejudgeRouter(deps: RejudgeRouterDeps): Router {
  const router = express.Router();
  router.param('id', checkIdParam);

  router.post('/rejudge', async (req, res) => {
    requireResearcher(req, deps);
    const body = parseOr400(RejudgeRequest, req.body, 'rejudge request');
    const original = await deps.store.getTranscript(body.debateId);
    if (!original) throw new HttpError(404, `no debate "${body.debateId}"`);
    const judgeAgent = body.judge.kind === 'agent' ? body.judge.agent : null;
    // A person re-judging must not be able to read the original: it becomes private (its full
    // transcript for researchers only), and so are the re-judgings themselves.
    const debates: { id: string; judge: string; path: string; token?: string; status: string }[] = [];
    const played: Promise<unknown>[] = [];
    for (let i = 0; i < body.count; i++) {
      const id = `rj-${newDebateId()}`;
      const seed = newToken();
      let header;
      try {
        header = rejudgeHeader(original, { id, seed, createdAt: Date.now(), judge: judgeAgent ? { kind: 'agent', agent: judgeAgent } : { kind: 'human' } });
        // Checked (the judge agent can judge this evidence) before anything is written.
        prepareDebate(deps.creating, { header });
      } catch (err) {
        if (err instanceof NotRejudgeable) throw new HttpError(422, err.message);
        if (err instanceof CreateRefused) throw new HttpError(err.status, err.message.replace(/^seat judge: /, 'judge: '));
        throw err;
      }
      if (i === 0 && !judgeAgent) await deps.store.setVisibility(original.header.id, 'private');
      if (!judgeAgent) {
        const { tokens } = await createDebate(deps.creating, { header }, 'private');
        const token = tokens.judge as string;
        debates.push({ id, judge: 'human', token, path: `/debate/${id}/judge?token=${token}`, status: 'waiting' });
        continue;
      }
      // An AI judge: the whole debate runs through the engine now; its transcript is stored when done.
      const agents: Partial<Record<Seat, Agent>> = {};
      for (const [seat, c] of Object.entries(header.seats)) agents[seat as Seat] = deps.agents.make(c.agent as string, `${header.seed}/${seat}`);
      played.push(recordDebate(deps.creating, { header }, 'private', (h) => playHeader(h, agents, { turnTimeoutMs: deps.agentTurnMs })));
      debates.push({ id, judge: judgeAgent, path: `/debate/${id}/observer`, status: 'finished' });
    }
    await Promise.all(played);
    res.status(201).json({ rejudgeOf: original.header.id, debates });
  });

  router.get('/debates/:id/rejudges', async (req, res) => {
    // Researchers only: a judge who learnt which debate theirs re-judges could read the original.
    requireResearcher(req, deps);
    if (!(await deps.store.exists(req.params.id))) throw new HttpError(404, `no debate "${req.params.id}"`);
    res.json({ debateId: req.params.id, rejudges: await listRejudges(deps.store, req.params.id) });
  });

  return router;
}
