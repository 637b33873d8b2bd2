/**
 * Who may create what through POST /api/debates.
 *
 * Anonymous visitors (the public lobby) may create what the lobby offers and no more:
 * any scenario and preset, seats that are human (linked or open) or played by a
 * built-in agent, and the rules of the preset with at most the lobby's overrides (the
 * turn timers, within bounds). A chosen seed (which fixes the assignment), metadata,
 * other rule changes, configured agents (LLM agents spend the lab's API budget) and
 * agent kinds such as `replay:` need the researcher token. Agent parameters are bounded
 * for everyone, lower for anonymous callers.
 */
import type { Seat } from '@arena/shared';
import { BUILTIN_AGENTS } from '../agents/registry.ts';
import { HttpError } from './errors.ts';

/** Rule fields the lobby may change, and their bounds (seconds). */
export const LOBBY_RULE_OVERRIDES = { speechSeconds: { min: 30, max: 1800 }, judgeSeconds: { min: 30, max: 1800 } } as const;

/** Most MCTS rollouts a move for `builtin:pixel-debater@N`: researchers / anonymous callers. */
export const PIXEL_ROLLOUTS_MAX = { researcher: 20_000, lobby: 1_000 } as const;

const PIXEL_DEBATER_PREFIX = 'builtin:pixel-debater@';
const PIXEL_DEBATER_AT = /^builtin:pixel-debater@(\d{1,7})$/;

export interface CreateRequest {
  rules?: Record<string, unknown> | undefined;
  seats?: Partial<Record<Seat, { kind: 'human' | 'agent'; agent?: string | undefined; open?: boolean | undefined }>> | undefined;
  seed?: string | undefined;
  meta?: Record<string, unknown> | undefined;
}

const needsToken = (what: string) => new HttpError(403, `${what} needs the researcher token (Authorization: Bearer <token>); the public lobby cannot`);

/**
 * Refuses (403, or 400 for an out-of-range agent parameter) what the caller may not
 * create. `researcher` is true when the request carries the researcher token.
 */
export function checkCreation(body: CreateRequest, researcher: boolean): void {
  for (const [seat, c] of Object.entries(body.seats ?? {})) {
    if (c?.kind !== 'agent' || !c.agent) continue;
    if (c.agent.startsWith(PIXEL_DEBATER_PREFIX)) {
      const pixel = PIXEL_DEBATER_AT.exec(c.agent);
      const n = pixel ? Number(pixel[1]) : Number.NaN;
      const max = researcher ? PIXEL_ROLLOUTS_MAX.researcher : PIXEL_ROLLOUTS_MAX.lobby;
      if (!(n >= 1 && n <= max)) {
        throw new HttpError(400, `seat ${seat}: ${c.agent}: rollouts must be from 1 to ${max}${researcher ? '' : ` without the researcher token (${PIXEL_ROLLOUTS_MAX.researcher} with it)`}`);
      }
      continue;
    }
    if (!researcher && !(c.agent in BUILTIN_AGENTS)) {
      throw needsToken(`seat ${seat}: agent "${c.agent}" (only the built-in agents ${Object.keys(BUILTIN_AGENTS).join(', ')} are open to everyone)`);
    }
  }
  if (researcher) return;
  if (body.seed !== undefined) throw needsToken('choosing the seed (it decides the assignment)');
  if (body.meta !== undefined) throw needsToken('setting meta');
  for (const [key, value] of Object.entries(body.rules ?? {})) {
    const bound = LOBBY_RULE_OVERRIDES[key as keyof typeof LOBBY_RULE_OVERRIDES];
    if (!bound) throw needsToken(`changing rules.${key} (the lobby may set ${Object.keys(LOBBY_RULE_OVERRIDES).join(' and ')})`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < bound.min || value > bound.max) {
      throw new HttpError(400, `rules.${key}: from ${bound.min} to ${bound.max} seconds without the researcher token`);
    }
  }
}
