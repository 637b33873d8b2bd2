/**
 * The lobby's part of the access policy: which scenario packs a caller is offered,
 * and who may create a debate over which scenario, with which visibility.
 */
import type { PackInfo, Scenario, Visibility } from '@arena/shared';
import type { Decision, Principal } from './policy.ts';

export interface LobbyFacts {
  /** False on a study deployment (ARENA_LOBBY=off): no public lobby, no anonymous creation. */
  publicLobby: boolean;
  packs: readonly PackInfo[];
}

/** True when the scenario belongs to a private pack. */
export function inPrivatePack(scenario: Pick<Scenario, 'pack'>, facts: LobbyFacts): boolean {
  return facts.packs.some((p) => p.id === scenario.pack && p.private);
}

/** Whether the caller may create debates at all: researchers always; anyone else while the public lobby is on. */
export function lobbyOpenTo(p: Principal, facts: LobbyFacts): Decision {
  if (p.kind === 'researcher' || facts.publicLobby) return { ok: true };
  return { ok: false, status: 403, reason: 'this server creates debates for researchers only (the public lobby is off): send the researcher token' };
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
): (Decision & { ok: false }) | { ok: true; visibility: Visibility } {
  if (p.kind === 'researcher') return { ok: true, visibility: asked ?? 'private' };
  const open = lobbyOpenTo(p, facts);
  if (!open.ok) return open;
  if (inPrivatePack(scenario, facts)) return { ok: false, status: 404, reason: `no scenario "${scenario.id}"` };
  if (asked === 'private') return { ok: false, status: 403, reason: 'visibility: only researchers create private debates; games of the public lobby are public' };
  return { ok: true, visibility: 'public' };
}
