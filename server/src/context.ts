import type { Store as RateLimitStore } from 'express-rate-limit';
import type { PackInfo, Scenario } from '@arena/shared';
import type { Agent } from './agents/agent.ts';
import type { AgentGateway } from './agents/remote/gateway.ts';
import type { AgentKeys } from './store/agent-keys.ts';
import type { AgentCapabilities } from './agents/registry.ts';
import type { Config } from './config.ts';
import type { Sessions } from './sessions/sessions.ts';
import type { Store } from './store/store.ts';
import type { StudyService } from './studies/service.ts';

/** What rooms and routes share within one server. */
export interface ArenaContext {
  config: Config;
  store: Store;
  /** The live debates of this process. */
  sessions: Sessions;
  packs: PackInfo[];
  scenarios: Map<string, Scenario>;
  /** Builds the agent for a seat, or throws for an unknown agent id. */
  makeAgent: (id: string, seed: string) => Agent;
  /** Known agent ids, for validation and the lobby. */
  agentIds: () => string[];
  /** Remote agents connected over socket.io (namespace /agents). */
  gateway: AgentGateway;
  /** Keys of remote agents, hashed and scoped to names. */
  agentKeys: AgentKeys;
  /** What an agent id can play (roles, evidence kinds); throws for an unknown id. */
  agentCapabilities: (id: string) => AgentCapabilities;
  /** The researcher token (configured, or generated at start). */
  researcherToken: string;
  /** Studies with recruited judges. */
  studies: StudyService;
  /** Where the lobby's per-address limit counts (Redis, shared by every process, when REDIS_URL is set; else in memory). */
  rateLimitStore?: RateLimitStore;
}

