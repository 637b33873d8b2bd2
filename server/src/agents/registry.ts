/**
 * The agent catalog: every agent id a seat may name, what it can play and how to make
 * it, from a list of kinds handed in by whoever builds the catalog (the server in app.ts,
 * a command in cli/). Each kind parses its own ids (`builtin:…`, `builtin:pixel-debater@N`,
 * a configured id, `remote:<name>`, `replay:<id>`); nothing else looks at an id's prefix.
 * No kind registers itself and nothing here is global.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describeIssues } from '@arena/shared';
import type { Agent } from './agent.ts';
import { AgentsConfig } from './llm/config.ts';

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

export const ANY_EVIDENCE: readonly EvidenceKind[] = ['passage', 'image'];

/** The built-ins' capabilities. */
export const BUILTIN_CAPABILITIES: Record<BuiltinId, AgentCapabilities> = {
  'builtin:passage-debater': { roles: ['debater'], evidence: ['passage'] },
  'builtin:passage-judge': { roles: ['judge'], evidence: ['passage'] },
  'builtin:random': { roles: ['debater', 'judge'], evidence: ANY_EVIDENCE },
  'builtin:pixel-debater': { roles: ['debater'], evidence: ['image'] },
  'builtin:pixel-judge': { roles: ['judge'], evidence: ['image'] },
};

/**
 * What an id names, as its kind reads it: a built-in, the pixel debater with a number
 * of rollouts, a configured agent, a remote agent by name, or a replay of a stored debate.
 */
export type AgentId =
  | { kind: 'builtin'; id: BuiltinId }
  | { kind: 'pixel-debater'; id: string; rollouts: number }
  | { kind: 'configured'; id: string }
  | { kind: 'remote'; id: string; name: string }
  | { kind: 'replay'; id: string; originalId: string };

/** One kind of agent: the ids it owns, what they play and how to make one. */
export interface AgentKind {
  /** The id read by this kind, or null when the id is not of this kind. */
  parse(id: string): AgentId | null;
  /** Ids to offer in lists (the built-ins, configured ids, remote names holding keys). */
  ids(): string[];
  /** What an id of this kind can play; throws when it cannot be played here. */
  capabilities(id: AgentId): AgentCapabilities;
  /** Makes the agent of a seat; throws when it cannot (an API key missing, a name without a key). */
  make(id: AgentId, seed: string): Agent;
  /** Whether its moves may cost money (an LLM provider's calls, or a remote agent that may make them); absent: never. */
  paid?(id: AgentId): boolean;
}

export class AgentCatalog {
  private readonly kinds: readonly AgentKind[];

  constructor(kinds: readonly AgentKind[]) {
    this.kinds = kinds;
  }

  /** This catalog with one more kind, read first (a re-judging's replay agents over one original). */
  withKind(kind: AgentKind): AgentCatalog {
    return new AgentCatalog([kind, ...this.kinds]);
  }

  /** What an id names, or null for an unknown id. */
  parse(id: string): AgentId | null {
    for (const k of this.kinds) {
      const parsed = k.parse(id);
      if (parsed) return parsed;
    }
    return null;
  }

  /** Every agent id to offer: the built-ins, then the configured ones, then the remote ones. */
  ids(): string[] {
    return this.kinds.flatMap((k) => k.ids());
  }

  /** The capabilities of an id; throws, naming the known ids, for an unknown one. */
  capabilities(id: string): AgentCapabilities {
    const [kind, parsed] = this.find(id);
    return kind.capabilities(parsed);
  }

  /** The agent of a seat; throws, naming the known ids, for an unknown one. */
  make(id: string, seed: string): Agent {
    const [kind, parsed] = this.find(id);
    return kind.make(parsed, seed);
  }

  /**
   * Whether an agent's moves may cost money: a configured LLM agent (each move calls its
   * provider), or a remote agent (it may); built-ins, replays and unknown ids do not.
   */
  paid(id: string): boolean {
    for (const k of this.kinds) {
      const parsed = k.parse(id);
      if (parsed) return k.paid?.(parsed) ?? false;
    }
    return false;
  }

  /** Null when `id` can be made, else why not. */
  problemWith(id: string): string | null {
    try {
      this.make(id, 'probe');
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  private find(id: string): [AgentKind, AgentId] {
    for (const k of this.kinds) {
      const parsed = k.parse(id);
      if (parsed) return [k, parsed];
    }
    // Remote agents' names are the researchers' to know: a refusal names the built-in and configured ids only.
    const known = this.ids().filter((known) => this.parse(known)?.kind !== 'remote');
    throw new Error(`unknown agent "${id}" (known: ${known.join(', ')})`);
  }
}

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
