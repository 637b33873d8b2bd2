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
import { AgentName } from '@arena/shared';
import { remoteAgentId } from '../agents/remote/kind.ts';
import { offeredAgents } from '../access/policy.ts';
import type { AgentGateway } from '../agents/remote/gateway.ts';
import { BUILTIN_AGENTS, type AgentCatalog } from '../agents/registry.ts';
import type { AgentKeys } from '../store/agent-keys.ts';
import { requestPrincipal, requireResearcher } from './access.ts';
import { HttpError, parseOr400 } from './errors.ts';

const IssueKey = z.object({ name: AgentName, label: z.string().trim().max(200).optional() }).strict();

export interface AgentsRouterDeps {
  agents: Pick<AgentCatalog, 'ids' | 'parse'>;
  gateway: Pick<AgentGateway, 'isConnected' | 'report' | 'issued' | 'revoked'>;
  agentKeys: Pick<AgentKeys, 'issue' | 'list' | 'revoke'>;
  researcherToken: string;
}

export function agentsRouter(deps: AgentsRouterDeps): Router {
  const api = express.Router();

  api.get('/agents', (req, res) => {
    const ids = offeredAgents(requestPrincipal(req, deps), deps.agents.ids(), (id) => deps.agents.parse(id));
    const agents = ids.map((id) => {
      const parsed = deps.agents.parse(id);
      if (parsed?.kind === 'remote') return { id, kind: 'remote', connected: deps.gateway.isConnected(parsed.name) };
      if (parsed?.kind === 'builtin') return { id, kind: 'builtin', description: BUILTIN_AGENTS[parsed.id] };
      return { id, kind: 'configured' };
    });
    res.json({ agents });
  });

  api.get('/agents/remote', (req, res) => {
    requireResearcher(req, deps);
    res.json({ agents: deps.gateway.report() });
  });

  api.post('/agents/keys', async (req, res) => {
    requireResearcher(req, deps);
    const { name, label } = parseOr400(IssueKey, req.body ?? {}, 'key request');
    const { key, info } = await deps.agentKeys.issue(name, label || null);
    deps.gateway.issued(name);
    res.status(201).json({ ...info, key, agent: remoteAgentId(name) });
  });

  api.get('/agents/keys', async (req, res) => {
    requireResearcher(req, deps);
    res.json({ keys: await deps.agentKeys.list() });
  });

  api.delete('/agents/keys/:id', async (req, res) => {
    requireResearcher(req, deps);
    const info = await deps.agentKeys.revoke(req.params.id);
    if (!info) throw new HttpError(404, `no key "${req.params.id}"`);
    await deps.gateway.revoked(info.id);
    res.json(info);
  });

  return api;
}
