/**
 * Agents over HTTP:
 * - GET /agents: every agent a seat may name and, for remote agents, whether one of its
 *   connections is live; without the researcher token, the built-ins only (the others
 *   need the token to be seated, as /presets lists them).
 * - GET /agents/remote (researcher): per remote agent name, its connections, turns,
 *   round-trip latency, refusals, timeouts and forfeits.
 * - POST /agents/keys { name, label? } (researcher): issues a key for a name; the key is
 *   in this answer only (the server keeps its hash).
 * - GET /agents/keys (researcher): the keys, without their secrets.
 * - DELETE /agents/keys/:id (researcher): revokes a key and closes its connections.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { AgentName, REMOTE_PREFIX } from '@arena/shared';
import { BUILTIN_AGENTS } from '../agents/registry.ts';
import type { ArenaContext } from '../context.ts';
import { isResearcher, requireResearcher } from './auth.ts';
import { HttpError, parseOr400 } from './errors.ts';

const IssueKey = z.object({ name: AgentName, label: z.string().trim().max(200).optional() }).strict();

export function agentsRouter(ctx: ArenaContext): Router {
  const api = express.Router();

  api.get('/agents', (req, res) => {
    const ids = isResearcher(req, ctx) ? ctx.agentIds() : ctx.agentIds().filter((id) => id in BUILTIN_AGENTS);
    const agents = ids.map((id) => {
      if (id.startsWith(REMOTE_PREFIX)) return { id, kind: 'remote', connected: ctx.gateway.isConnected(id.slice(REMOTE_PREFIX.length)) };
      if (id in BUILTIN_AGENTS) return { id, kind: 'builtin', description: BUILTIN_AGENTS[id as keyof typeof BUILTIN_AGENTS] };
      return { id, kind: 'configured' };
    });
    res.json({ agents });
  });

  api.get('/agents/remote', (req, res) => {
    requireResearcher(req, ctx);
    res.json({ agents: ctx.gateway.report() });
  });

  api.post('/agents/keys', async (req, res) => {
    requireResearcher(req, ctx);
    const { name, label } = parseOr400(IssueKey, req.body ?? {}, 'key request');
    const { key, info } = await ctx.agentKeys.issue(name, label || null);
    ctx.gateway.issued(name);
    res.status(201).json({ ...info, key, agent: `${REMOTE_PREFIX}${name}` });
  });

  api.get('/agents/keys', async (req, res) => {
    requireResearcher(req, ctx);
    res.json({ keys: await ctx.agentKeys.list() });
  });

  api.delete('/agents/keys/:id', async (req, res) => {
    requireResearcher(req, ctx);
    const info = await ctx.agentKeys.revoke(req.params.id);
    if (!info) throw new HttpError(404, `no key "${req.params.id}"`);
    await ctx.gateway.revoked(info.id);
    res.json(info);
  });

  return api;
}
