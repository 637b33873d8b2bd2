/**
 * The concrete agents, gathered into an agent catalog (agents/registry.ts): the
 * built-ins (passage and pixel agents, and `builtin:pixel-debater@N`), the agents of the
 * configuration (LLM agents, built-ins with options), and, when given, remote agents
 * (the server's gateway) and replay agents (a store to read originals from). The server
 * builds one in app.ts; commands build their own.
 */
import type { Agent } from './agents/agent.ts';
import { PassageDebater } from './agents/builtin/passage-debater.ts';
import { PassageJudge } from './agents/builtin/passage-judge.ts';
import { RandomAgent } from './agents/builtin/random-agent.ts';
import { chatClient } from './agents/llm/client.ts';
import type { AgentsConfig } from './agents/llm/config.ts';
import { LlmAgent } from './agents/llm/llm-agent.ts';
import {
  AgentCatalog,
  BUILTIN_AGENTS,
  BUILTIN_CAPABILITIES,
  defaultAgentsConfig,
  type AgentCapabilities,
  type AgentKind,
  type BuiltinId,
} from './agents/registry.ts';
import { PIXEL_ROLLOUTS_MAX } from './access/lobby.ts';
import { remoteKind, type RemoteAgents } from './agents/remote/kind.ts';
import { PixelDebater, PixelJudge } from './pixels/agents.ts';
import { replayKind, type TranscriptSource } from './rejudge/replay-agent.ts';

/** Language-model agents read and write text: any role, passages (their prompts have no pixels), unless agents.json says otherwise. */
const LLM_CAPABILITIES: AgentCapabilities = { roles: ['debater', 'judge'], evidence: ['passage'] };

type BuiltinName = BuiltinId extends `builtin:${infer K}` ? K : never;

function builtin(name: BuiltinName, id: string, seed: string, options: Record<string, number> = {}): Agent {
  if (name === 'pixel-debater') return new PixelDebater(id, seed, options);
  if (name === 'pixel-judge') return new PixelJudge(id);
  if (name === 'passage-debater') return new PassageDebater(id, seed, options);
  if (name === 'passage-judge') return new PassageJudge(id, seed, options);
  return new RandomAgent(id, seed);
}

/** The built-ins, by their fixed ids. */
const builtinKind: AgentKind = {
  parse: (id) => (id in BUILTIN_AGENTS ? { kind: 'builtin', id: id as BuiltinId } : null),
  ids: () => Object.keys(BUILTIN_AGENTS),
  capabilities: (a) => BUILTIN_CAPABILITIES[a.id as BuiltinId],
  make: (a, seed) => builtin(a.id.slice('builtin:'.length) as BuiltinName, a.id, seed),
};

const PIXEL_DEBATER_AT = /^builtin:pixel-debater@(\d{1,7})$/;

/** `builtin:pixel-debater@N`: the pixel debater with N MCTS rollouts a move (at most `max`). */
function pixelDebaterKind(max: number): AgentKind {
  return {
    parse: (id) => {
      if (!id.startsWith('builtin:pixel-debater@')) return null;
      const m = PIXEL_DEBATER_AT.exec(id);
      return { kind: 'pixel-debater', id, rollouts: m ? Number(m[1]) : Number.NaN };
    },
    ids: () => [],
    capabilities: () => BUILTIN_CAPABILITIES['builtin:pixel-debater'],
    make: (a, seed) => {
      const rollouts = a.kind === 'pixel-debater' ? a.rollouts : Number.NaN;
      if (!(rollouts >= 1 && rollouts <= max)) throw new Error(`${a.id}: rollouts must be a whole number from 1 to ${max}`);
      return new PixelDebater(a.id, seed, { rollouts });
    },
  };
}

/** The agents of a configuration (agents.json): LLM agents, and built-ins with options under a new id. */
function configuredKind(config: AgentsConfig | undefined, env: NodeJS.ProcessEnv | undefined, catalog: () => AgentCatalog): AgentKind {
  const entryOf = (id: string) => {
    const entry = config?.agents[id];
    if (!entry) throw new Error(`unknown agent "${id}"`);
    return entry;
  };
  return {
    parse: (id) => (config && Object.hasOwn(config.agents, id) ? { kind: 'configured', id } : null),
    ids: () => Object.keys(config?.agents ?? {}).sort(),
    capabilities: (a) => {
      const entry = entryOf(a.id);
      const base = 'builtin' in entry ? BUILTIN_CAPABILITIES[`builtin:${entry.builtin}`] : LLM_CAPABILITIES;
      return { roles: entry.roles ?? base.roles, evidence: entry.evidence ?? base.evidence };
    },
    make: (a, seed) => {
      const entry = entryOf(a.id);
      if ('builtin' in entry) return builtin(entry.builtin, a.id, seed, entry.options);
      const scorer = (entry.bestOf > 1 || entry.refineRounds > 0) && entry.bestOfJudge !== a.id ? catalog().make(entry.bestOfJudge, seed) : undefined;
      return new LlmAgent(a.id, entry, chatClient(entry, env), scorer);
    },
  };
}

export interface CatalogOptions {
  /** The agents configuration; default: $ARENA_AGENTS, else ./agents.json when present. */
  config?: AgentsConfig | undefined;
  env?: NodeJS.ProcessEnv;
  /** Remote agents (the server's gateway). */
  gateway?: RemoteAgents;
  /** Where replay agents read originals (a store's getTranscript); without it, `replay:` ids are unknown. */
  transcripts?: TranscriptSource;
}

/** The catalog of the built-in, configured, remote and replay agents. */
export function agentCatalog(options: CatalogOptions = {}): AgentCatalog {
  const config = 'config' in options ? options.config : defaultAgentsConfig(options.env);
  const kinds: AgentKind[] = [builtinKind, pixelDebaterKind(PIXEL_ROLLOUTS_MAX.researcher), configuredKind(config, options.env, () => catalog), remoteKind(options.gateway)];
  if (options.transcripts) kinds.push(replayKind(options.transcripts));
  const catalog: AgentCatalog = new AgentCatalog(kinds);
  return catalog;
}

/**
 * An agent by id, from a catalog of the built-in and configured agents (opts.config,
 * else $ARENA_AGENTS / ./agents.json). Throws, naming the known ids, for an unknown one;
 * throws when an LLM agent's API key variable is not set. Deterministic agents use `seed`.
 */
export function createAgent(id: string, opts: { seed: string; config?: AgentsConfig; env?: NodeJS.ProcessEnv }): Agent {
  return agentCatalog({ config: opts.config ?? defaultAgentsConfig(opts.env), ...(opts.env ? { env: opts.env } : {}) }).make(id, opts.seed);
}

/** Every agent id of a configuration: the built-ins, then the configured ones. */
export function listAgents(config: AgentsConfig | undefined = defaultAgentsConfig()): string[] {
  return agentCatalog({ config }).ids();
}
