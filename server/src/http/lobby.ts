/**
 * What the lobby offers a caller: GET /scenarios (the packs it may play) and GET /presets
 * (the presets, and the agents it may seat), as the access policy decides.
 */
import express, { type Router } from 'express';
import { presetCatalog, summarizeScenario, type PresetsResponse, type Scenario, type ScenariosResponse } from '@arena/shared';
import { offeredPacks, type LobbyFacts } from '../access/lobby.ts';
import { offeredAgents } from '../access/policy.ts';
import { scenarioHidden, viewerOf, type StudyShield } from '../access/study.ts';
import type { AgentCatalog } from '../agents/registry.ts';
import { requestPrincipal } from './access.ts';

export interface LobbyRouterDeps {
  lobby: LobbyFacts;
  scenarios: ReadonlyMap<string, Scenario>;
  agents: Pick<AgentCatalog, 'ids' | 'parse' | 'capabilities'>;
  researcherToken: string;
  /** The scenarios of the studies running now, hidden outside them (access/study.ts). */
  shield: () => Promise<StudyShield>;
}

export function lobbyRouter(deps: LobbyRouterDeps): Router {
  const api = express.Router();

  /** The scenarios the caller is offered: public packs while the public lobby is on; every pack for researchers. */
  api.get('/scenarios', async (req, res) => {
    const who = requestPrincipal(req, deps);
    const packs = offeredPacks(who, deps.lobby);
    const ids = new Set(packs.map((p) => p.id));
    // A running study's items are offered to nobody outside it, whatever pack they are in.
    const shield = await deps.shield();
    const shown = (s: Scenario) => s.pack !== undefined && ids.has(s.pack) && scenarioHidden(shield, viewerOf(who), s.id) === null;
    res.json({ publicLobby: deps.lobby.publicLobby, packs, scenarios: [...deps.scenarios.values()].filter(shown).map(summarizeScenario) } satisfies ScenariosResponse);
  });

  /** The presets, and the agents this caller may seat (configured agents only for researchers). */
  api.get('/presets', (req, res) => {
    const agents = offeredAgents(requestPrincipal(req, deps), deps.agents.ids(), (id) => deps.agents.parse(id));
    // Each preset describes itself (family, title, description, seats, sides, evidence kinds) beside its rules.
    const agentCapabilities = Object.fromEntries(
      agents.map((id) => {
        const caps = deps.agents.capabilities(id);
        return [id, { roles: [...caps.roles], evidence: [...caps.evidence] }];
      }),
    );
    res.json({ presets: presetCatalog(), agents, agentCapabilities } satisfies PresetsResponse);
  });

  return api;
}
