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
import type { ArenaContext } from '../context.ts';
import { NotRejudgeable, listRejudges, rejudgeHeader } from '../rejudge/header.ts';
import { addTranscriptSource } from '../rejudge/replay-agent.ts';
import { playHeader } from '../selfplay/run-debate.ts';
import { newDebateId, newToken } from '../tokens.ts';
import { requireResearcher } from './auth.ts';
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

export function rejudgeRouter(ctx: ArenaContext): Router {
  const router = express.Router();
  router.param('id', checkIdParam);
  // Replay agents in this server's rooms read the originals from its store.
  addTranscriptSource((id) => ctx.store.getTranscript(id));

  router.post('/rejudge', async (req, res) => {
    requireResearcher(req, ctx);
    const body = parseOr400(RejudgeRequest, req.body, 'rejudge request');
    const original = await ctx.store.getTranscript(body.debateId);
    if (!original) throw new HttpError(404, `no debate "${body.debateId}"`);
    let judgeAgent: string | null = null;
    if (body.judge.kind === 'agent') {
      judgeAgent = body.judge.agent;
      try {
        ctx.makeAgent(judgeAgent, 'probe');
      } catch (err) {
        throw new HttpError(400, `judge: ${(err as Error).message}`);
      }
    }
    // A person re-judging must not be able to read the original: it becomes private (its full
    // transcript for researchers only), and so are the re-judgings themselves.
    if (!judgeAgent) await ctx.store.setVisibility(original.header.id, 'private');
    const debates: { id: string; judge: string; path: string; token?: string; status: string }[] = [];
    const played: Promise<unknown>[] = [];
    for (let i = 0; i < body.count; i++) {
      const id = `rj-${newDebateId()}`;
      const seed = newToken();
      let header;
      try {
        header = rejudgeHeader(original, { id, seed, createdAt: Date.now(), judge: judgeAgent ? { kind: 'agent', agent: judgeAgent } : { kind: 'human' } });
      } catch (err) {
        if (err instanceof NotRejudgeable) throw new HttpError(422, err.message);
        throw err;
      }
      if (!judgeAgent) {
        const token = newToken();
        await ctx.store.createDebateWithTokens(header, { judge: token }, 'private');
        await ctx.sessions.created(id);
        debates.push({ id, judge: 'human', token, path: `/debate/${id}/judge?token=${token}`, status: 'waiting' });
        continue;
      }
      // An AI judge: the whole debate runs through the engine now; its transcript is stored when done.
      const agents: Partial<Record<Seat, Agent>> = {};
      for (const [seat, c] of Object.entries(header.seats)) agents[seat as Seat] = ctx.makeAgent(c.agent as string, `${header.seed}/${seat}`);
      played.push(playHeader(header, agents, { turnTimeoutMs: ctx.config.agentSeconds * 1000 }).then((record) => ctx.store.saveTranscript(record, 'private')));
      debates.push({ id, judge: judgeAgent, path: `/debate/${id}/observer`, status: 'finished' });
    }
    await Promise.all(played);
    res.status(201).json({ rejudgeOf: original.header.id, debates });
  });

  router.get('/debates/:id/rejudges', async (req, res) => {
    // Researchers only: a judge who learnt which debate theirs re-judges could read the original.
    requireResearcher(req, ctx);
    if (!(await ctx.store.exists(req.params.id))) throw new HttpError(404, `no debate "${req.params.id}"`);
    res.json({ debateId: req.params.id, rejudges: await listRejudges(ctx.store, req.params.id) });
  });

  return router;
}
