/**
 * The lobby's part of the access policy: which scenario packs a caller is offered, and
 * who may create a debate over which scenario, with which visibility, with which seats,
 * rules, seed and metadata.
 *
 * Anonymous visitors (the public lobby) may create what the lobby offers and no more:
 * a public pack's scenario and any preset, seats that are human (linked or open) or
 * played by a built-in agent, and the rules of the preset with at most the lobby's
 * overrides (the turn timers, within bounds). A chosen seed (which fixes the
 * assignment), metadata, other rule changes, configured agents (LLM agents spend the
 * lab's API budget) and agent kinds such as `replay:` need the researcher token. Agent
 * parameters are bounded for everyone, lower for anonymous callers.
 */
import type { PackInfo, Provenance, Scenario, Seat, Visibility } from '@arena/shared';
import { BUILTIN_AGENTS, type AgentId } from '../agents/registry.ts';
import type { Principal } from './principal.ts';
import { ALLOW, refuse, type Decision, type Refusal } from './refusal.ts';

export interface LobbyFacts {
  /** False on a study deployment (ARENA_LOBBY=off): no public lobby, no anonymous creation. */
  publicLobby: boolean;
  packs: readonly PackInfo[];
}

/** Rule fields the lobby may change, and their bounds (seconds). */
export const LOBBY_RULE_OVERRIDES = { speechSeconds: { min: 30, max: 1800 }, judgeSeconds: { min: 30, max: 1800 } } as const;

/** Most MCTS rollouts a move for `builtin:pixel-debater@N`: researchers (and commands) / anonymous callers. The one bound. */
export const PIXEL_ROLLOUTS_MAX = { researcher: 20_000, lobby: 1_000 } as const;

/** True when the scenario belongs to a private pack. */
function inPrivatePack(scenario: Pick<Scenario, 'pack'>, facts: LobbyFacts): boolean {
  return facts.packs.some((p) => p.id === scenario.pack && p.private);
}

/** Whether the caller may create debates at all: researchers always; anyone else while the public lobby is on. */
export function lobbyOpenTo(p: Principal, facts: LobbyFacts): Decision {
  if (p.kind === 'researcher' || facts.publicLobby) return ALLOW;
  return refuse('forbidden', 'this server creates debates for researchers only (the public lobby is off): send the researcher token');
}

/** The packs offered to a caller: all of them to researchers; public ones to others while the public lobby is on; none when it is off. */
export function offeredPacks(p: Principal, facts: LobbyFacts): PackInfo[] {
  if (p.kind === 'researcher') return [...facts.packs];
  if (!facts.publicLobby) return [];
  return facts.packs.filter((pack) => !pack.private);
}

/**
 * Whether `p` may create a debate over `scenario`, and with which visibility.
 * Researchers may create any debate, private unless they ask for public; anyone else
 * only over a public pack's scenario while the public lobby is on, and always public
 * (a game of the public lobby). A private pack's scenario is "no scenario" to them.
 */
export function creation(
  p: Principal,
  facts: LobbyFacts,
  scenario: Pick<Scenario, 'id' | 'pack'>,
  asked: Visibility | undefined,
): Refusal | { ok: true; visibility: Visibility; provenance: Extract<Provenance, 'researcher' | 'lobby'> } {
  if (p.kind === 'researcher') return { ok: true, visibility: asked ?? 'private', provenance: 'researcher' };
  const open = lobbyOpenTo(p, facts);
  if (!open.ok) return open;
  if (inPrivatePack(scenario, facts)) return refuse('not-found', `no scenario "${scenario.id}"`);
  if (asked === 'private') return refuse('forbidden', 'visibility: only researchers create private debates; games of the public lobby are public');
  return { ok: true, visibility: 'public', provenance: 'lobby' };
}

/** Whether the lobby's per-address creation limit counts the caller's debates: everyone's but researchers'. */
export function lobbyLimited(p: Principal): boolean {
  return p.kind !== 'researcher';
}

/** What a creation asks for, beyond its scenario and visibility. */
export interface CreationAsk {
  rules?: Record<string, unknown> | undefined;
  seats?: Partial<Record<Seat, { kind: 'human' | 'agent'; agent?: string | undefined }>> | undefined;
  seed?: string | undefined;
  meta?: Record<string, unknown> | undefined;
}

const needsToken = (what: string) => refuse('forbidden', `${what} needs the researcher token (Authorization: Bearer <token>); the public lobby cannot`);

/**
 * Whether `p` may ask what `ask` asks (checked once the request is known to be valid):
 * forbidden agents, seeds, metadata and rules, or an agent parameter out of bounds (invalid).
 */
export function mayAsk(p: Principal, ask: CreationAsk, parse: (id: string) => AgentId | null): Decision {
  const researcher = p.kind === 'researcher';
  for (const [seat, c] of Object.entries(ask.seats ?? {})) {
    if (c?.kind !== 'agent' || !c.agent) continue;
    const agent = parse(c.agent);
    if (agent?.kind === 'pixel-debater') {
      const max = researcher ? PIXEL_ROLLOUTS_MAX.researcher : PIXEL_ROLLOUTS_MAX.lobby;
      if (!(agent.rollouts >= 1 && agent.rollouts <= max)) {
        return refuse('invalid', `seat ${seat}: ${c.agent}: rollouts must be from 1 to ${max}${researcher ? '' : ` without the researcher token (${PIXEL_ROLLOUTS_MAX.researcher} with it)`}`);
      }
      continue;
    }
    if (!researcher && agent?.kind !== 'builtin') {
      return needsToken(`seat ${seat}: agent "${c.agent}" (only the built-in agents ${Object.keys(BUILTIN_AGENTS).join(', ')} are open to everyone)`);
    }
  }
  if (researcher) return ALLOW;
  if (ask.seed !== undefined) return needsToken('choosing the seed (it decides the assignment)');
  if (ask.meta !== undefined) return needsToken('setting meta');
  for (const [key, value] of Object.entries(ask.rules ?? {})) {
    const bound = LOBBY_RULE_OVERRIDES[key as keyof typeof LOBBY_RULE_OVERRIDES];
    if (!bound) return needsToken(`changing rules.${key} (the lobby may set ${Object.keys(LOBBY_RULE_OVERRIDES).join(' and ')})`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < bound.min || value > bound.max) {
      return refuse('invalid', `rules.${key}: from ${bound.min} to ${bound.max} seconds without the researcher token`);
    }
  }
  return ALLOW;
}
