import type { PackInfo, Scenario } from '@arena/shared';
import type { Agent } from './agents/agent.ts';
import type { Config } from './config.ts';
import type { Store } from './store/store.ts';

/** What rooms and routes share within one server. */
export interface ArenaContext {
  config: Config;
  store: Store;
  packs: PackInfo[];
  scenarios: Map<string, Scenario>;
  /** Builds the agent for a seat, or throws for an unknown agent id. */
  makeAgent: (id: string, seed: string) => Agent;
  /** Known agent ids, for validation and the lobby. */
  agentIds: () => string[];
  /** The researcher token (configured, or generated at start). */
  researcherToken: string;
}

/** Rooms are created by the matchmaker, so they find their context by id. */
const contexts = new Map<string, ArenaContext>();

export function registerContext(id: string, ctx: ArenaContext): void {
  contexts.set(id, ctx);
}

export function unregisterContext(id: string): void {
  contexts.delete(id);
}

export function contextFor(id: string): ArenaContext {
  const ctx = contexts.get(id);
  if (!ctx) throw new Error(`no arena context "${id}"`);
  return ctx;
}
