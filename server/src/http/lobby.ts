/**
 * What the lobby offers a caller: GET /scenarios (the packs it may play) and GET /presets
 * (the presets, and the agents it may seat), as the access policy decides.
 */
import express, { type Router } from 'express';
import { presetCatalog, summarizeScenario, type Scenario } from '@arena/shared';
import { offeredPacks, type LobbyFacts } from '../access/lobby.ts';
import { offeredAgents } from '../access/policy.ts';
import type { AgentCatalog } from '../agents/registry.ts';
import { requestPrincipal } from './access.ts';

export interface LobbyRouterDeps {
  lobby: LobbyFacts;
  scenarios: ReadonlyMap<string, Scenario>;
  agents: Pick<AgentCatalog, 'ids' | 'parse'>;
  researcherToken: string;
}

export function lobbyRouter(deps: LobbyRouterDeps): Router {
  const api = express.Router();

  /** The scenarios the caller is offered: public packs while the public lobby is on; every pack for researchers. */
  api.get('/scenarios', (req, res) => {
    const packs = offeredPacks(requestPrincipal(req, deps), deps.lobby);
    const ids = new Set(packs.map((p) => p.id));
    res.json({
      publicLobby: deps.lobby.publicLobby,
      packs,
      scenarios: [...deps.scenarios.values()].filter((s) => s.pack !== undefined && ids.has(s.pack)).map(summarizeScenario),
    });
  });

  /** The presets, and the agents this caller may seat (configured agents only for researchers). */
  api.get('/presets', (req, res) => {
    const agents = offeredAgents(requestPrincipal(req, deps), deps.agents.ids(), (id) => deps.agents.parse(id));
    // Each preset describes itself (family, title, description, seats, sides, evidence kinds) beside its rules.
    res.json({ presets: presetCatalog(), agents });
  });

  return api;
}
