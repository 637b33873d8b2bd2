/**
 * The remote kind of agent id: `remote:<name>`, played through the server's gateway by a
 * connected agent of that name. Its ids are read and written here only.
 */
import { REMOTE_PREFIX } from '@arena/shared';
import type { Agent } from '../agent.ts';
import { ANY_EVIDENCE, type AgentKind } from '../registry.ts';

/** The seat agent id of a remote agent's name. */
export const remoteAgentId = (name: string): string => `${REMOTE_PREFIX}${name}`;

/** The name a remote agent id names, or null for an id of another kind. */
export function remoteNameOf(id: string): string | null {
  return id.startsWith(REMOTE_PREFIX) ? id.slice(REMOTE_PREFIX.length) : null;
}

/** What the remote kind needs of the server's gateway. */
export interface RemoteAgents {
  agentIds(): string[];
  agent(id: string): Agent;
}

/** `remote:<name>`; without a gateway (a command), refused. */
export function remoteKind(gateway: RemoteAgents | undefined): AgentKind {
  return {
    parse: (id) => {
      const name = remoteNameOf(id);
      return name === null ? null : { kind: 'remote', id, name };
    },
    ids: () => gateway?.agentIds() ?? [],
    // Whoever runs it may call a paid model with every move.
    paid: () => true,
    // A remote agent's name says nothing of what it plays: any role, any evidence (until agents declare it when they connect).
    capabilities: () => ({ roles: ['debater', 'judge'], evidence: ANY_EVIDENCE }),
    make: (a) => {
      if (!gateway) throw new Error(`${a.id}: remote agents play in a running server's live debates (create them with POST /api/debates), not in batch commands`);
      return gateway.agent(a.id);
    },
  };
}
