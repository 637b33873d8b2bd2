import type { Agent } from './agent.ts';
import { PassageDebater } from './builtin/passage-debater.ts';
import { PassageJudge } from './builtin/passage-judge.ts';
import { RandomAgent } from './builtin/random-agent.ts';

/** Built-in agents: no network, deterministic under their seed. */
const BUILTIN: Record<string, (id: string, seed: string) => Agent> = {
  'builtin:passage-debater': (id, seed) => new PassageDebater(id, seed),
  'builtin:passage-judge': (id, seed) => new PassageJudge(id, seed),
  'builtin:random': (id, seed) => new RandomAgent(id, seed),
};

export function listAgents(): string[] {
  return Object.keys(BUILTIN);
}

/** The agent configured under `id`; throws, naming the known ids, for an unknown one. */
export function createAgent(id: string, opts: { seed: string }): Agent {
  const make = BUILTIN[id];
  if (!make) throw new Error(`unknown agent "${id}" (known: ${listAgents().join(', ')})`);
  return make(id, opts.seed);
}
