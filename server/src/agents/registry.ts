import { existsSync, readFileSync } from 'node:fs';
import { describeIssues } from '@arena/shared';
import type { Agent } from './agent.ts';
import { PassageDebater } from './builtin/passage-debater.ts';
import { PassageJudge } from './builtin/passage-judge.ts';
import { RandomAgent } from './builtin/random-agent.ts';
import { chatClient } from './llm/client.ts';
import { AgentsConfig, type AgentConfig } from './llm/config.ts';
import { LlmAgent } from './llm/llm-agent.ts';
import { PixelDebater, PixelJudge } from '../pixels/agents.ts';

/** The agents every installation has, without configuration or network. */
export const BUILTIN_AGENTS = {
  'builtin:passage-debater': 'argues its answer with the passage sentences that best support it (BM25)',
  'builtin:passage-judge': 'weighs the answers by the verified quotes cited for them',
  'builtin:random': 'acts at random within the rules, in any seat',
  'builtin:pixel-debater': 'image debates: reveals pixels chosen by MCTS against the sparse MNIST judge (200 rollouts a move)',
  'builtin:pixel-judge': 'image debates: the sparse MNIST judge on the revealed pixels',
} as const;

export type BuiltinId = keyof typeof BUILTIN_AGENTS;

/**
 * What an agent can play: the roles it knows (a consultant is a debater) and the
 * evidence kinds it understands. Debate creation refuses an agent in a seat outside
 * these, up front, with a message naming the agent.
 */
export interface AgentCapabilities {
  roles: readonly AgentRole[];
  evidence: readonly EvidenceKind[];
}
export type AgentRole = 'debater' | 'judge';
export type EvidenceKind = 'passage' | 'image';

const ANY_EVIDENCE: readonly EvidenceKind[] = ['passage', 'image'];

/** The built-ins' capabilities. */
export const BUILTIN_CAPABILITIES: Record<BuiltinId, AgentCapabilities> = {
  'builtin:passage-debater': { roles: ['debater'], evidence: ['passage'] },
  'builtin:passage-judge': { roles: ['judge'], evidence: ['passage'] },
  'builtin:random': { roles: ['debater', 'judge'], evidence: ANY_EVIDENCE },
  'builtin:pixel-debater': { roles: ['debater'], evidence: ['image'] },
  'builtin:pixel-judge': { roles: ['judge'], evidence: ['image'] },
};

/** Language-model agents read and write text: any role, passages (their prompts have no pixels), unless agents.json says otherwise. */
const LLM_CAPABILITIES: AgentCapabilities = { roles: ['debater', 'judge'], evidence: ['passage'] };
type BuiltinKind = BuiltinId extends `builtin:${infer K}` ? K : never;

/** Reads and validates an agents file; errors name the file and the field. */
export function loadAgentsConfig(file: string): AgentsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const parsed = AgentsConfig.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The configuration file in use: $ARENA_AGENTS, else ./agents.json when present. */
export function defaultAgentsConfig(env: NodeJS.ProcessEnv = process.env): AgentsConfig | undefined {
  const file = env.ARENA_AGENTS ?? (existsSync('agents.json') ? 'agents.json' : undefined);
  return file ? loadAgentsConfig(file) : undefined;
}

/** Every agent id available: the built-ins, then the configured ones. */
export function listAgents(config: AgentsConfig | undefined = defaultAgentsConfig()): string[] {
  return [...Object.keys(BUILTIN_AGENTS), ...Object.keys(config?.agents ?? {}).sort()];
}

/** The configuration of one id (a built-in id has none). */
export function agentConfig(id: string, config: AgentsConfig | undefined): AgentConfig | undefined {
  return config?.agents[id];
}

function builtin(kind: 'passage-debater' | 'passage-judge' | 'random' | 'pixel-debater' | 'pixel-judge', id: string, seed: string, options: Record<string, number> = {}): Agent {
  if (kind === 'pixel-debater') return new PixelDebater(id, seed, options);
  if (kind === 'pixel-judge') return new PixelJudge(id);
  if (kind === 'passage-debater') return new PassageDebater(id, seed, options);
  if (kind === 'passage-judge') return new PassageJudge(id, seed, options);
  return new RandomAgent(id, seed);
}

/** Makes an agent of a kind another module adds (see registerAgentKind). */
export type AgentFactory = (id: string, opts: { seed: string }) => Agent;
const AGENT_KINDS = new Map<string, { make: AgentFactory; capabilities: AgentCapabilities }>();
/** `builtin:pixel-debater@N`: the pixel debater with N MCTS rollouts a move. */
AGENT_KINDS.set('builtin:pixel-debater@', {
  make: (id, opts) => {
    const rollouts = Number(id.slice('builtin:pixel-debater@'.length));
    if (!Number.isInteger(rollouts) || rollouts < 1 || rollouts > 100_000) throw new Error(`${id}: rollouts must be a whole number from 1 to 100000`);
    return new PixelDebater(id, opts.seed, { rollouts });
  },
  capabilities: BUILTIN_CAPABILITIES['builtin:pixel-debater'],
});

/**
 * Adds a kind of agent named by an id prefix (e.g. `replay:` for re-judging, whose
 * agents replay a stored debate's speeches). createAgent hands such ids to `make`;
 * `capabilities` says which seats they can play.
 */
export function registerAgentKind(prefix: string, make: AgentFactory, capabilities: AgentCapabilities): void {
  AGENT_KINDS.set(prefix, { make, capabilities });
}

/**
 * The capabilities of an agent id (built-in, of a registered kind, or configured);
 * throws, naming the known ids, for an unknown one. Configured agents may narrow or
 * widen theirs with `roles` and `evidence` in agents.json.
 */
export function agentCapabilities(id: string, config: AgentsConfig | undefined = defaultAgentsConfig()): AgentCapabilities {
  if (id in BUILTIN_AGENTS) return BUILTIN_CAPABILITIES[id as BuiltinId];
  // A remote agent's name says nothing of what it plays: any role, any evidence (until agents declare it when they connect).
  if (id.startsWith('remote:')) return { roles: ['debater', 'judge'], evidence: ANY_EVIDENCE };
  for (const [prefix, kind] of AGENT_KINDS) if (id.startsWith(prefix)) return kind.capabilities;
  const entry = config?.agents[id];
  if (!entry) throw new Error(`unknown agent "${id}" (known: ${listAgents(config).join(', ')})`);
  const base = 'builtin' in entry ? BUILTIN_CAPABILITIES[`builtin:${entry.builtin}`] : LLM_CAPABILITIES;
  return { roles: entry.roles ?? base.roles, evidence: entry.evidence ?? base.evidence };
}

/**
 * An agent by id: `builtin:passage-debater`, `builtin:passage-judge`, `builtin:random`,
 * or an id of the agents configuration (opts.config, else $ARENA_AGENTS / ./agents.json).
 * Throws, naming the known ids, for an unknown one; throws when an LLM agent's API key
 * variable is not set. Deterministic agents use `seed`.
 */
export function createAgent(id: string, opts: { seed: string; config?: AgentsConfig; env?: NodeJS.ProcessEnv }): Agent {
  if (id in BUILTIN_AGENTS) return builtin(id.slice('builtin:'.length) as BuiltinKind, id, opts.seed);
  // The server makes remote agents itself (through its gateway); batch commands have no gateway.
  if (id.startsWith('remote:')) throw new Error(`${id}: remote agents play in a running server's live debates (create them with POST /api/debates), not in batch commands`);
  for (const [prefix, kind] of AGENT_KINDS) if (id.startsWith(prefix)) return kind.make(id, opts);
  const config = opts.config ?? defaultAgentsConfig(opts.env);
  const entry = config?.agents[id];
  if (!entry) throw new Error(`unknown agent "${id}" (known: ${listAgents(config).join(', ')})`);
  if ('builtin' in entry) return builtin(entry.builtin, id, opts.seed, entry.options);
  const scorer =
    entry.bestOf > 1 && entry.bestOfJudge !== id ? createAgent(entry.bestOfJudge, { ...opts, ...(config ? { config } : {}) }) : undefined;
  return new LlmAgent(id, entry, chatClient(entry, opts.env), scorer);
}
