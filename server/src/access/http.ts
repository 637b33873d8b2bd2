/**
 * The access policy at the HTTP boundary: resolves a request to a Principal (its
 * `Authorization: Bearer …` token, read by ../http/auth.ts), and turns the policy's
 * refusals into HTTP errors. Routes ask here; they never compare tokens or visibilities themselves.
 */
import type { Request } from 'express';
import type { TranscriptRecord } from '@arena/shared';
import type { ArenaContext } from '../context.ts';
import { requestToken, requireResearcher } from '../http/auth.ts';
import { HttpError } from '../http/errors.ts';
import type { LobbyFacts } from './lobby.ts';
import { decide, principalOf, type DebateFacts, type Decision, type Principal, type Want } from './policy.ts';

/** Who a request is, with no debate concerned: the researcher or anonymous (a seat token means nothing here). */
export function requestPrincipal(req: Request, ctx: Pick<ArenaContext, 'researcherToken'>): Principal {
  return principalOf(requestToken(req), { researcherToken: ctx.researcherToken });
}

/** Throws the policy's refusal as an HTTP error. */
export function enforce(decision: Decision): void {
  if (!decision.ok) throw new HttpError(decision.status, decision.reason);
}

/** The lobby facts of this server. */
export function lobbyFacts(ctx: Pick<ArenaContext, 'config' | 'packs'>): LobbyFacts {
  return { publicLobby: ctx.config.lobby, packs: ctx.packs };
}

/** A debate as a request may see it: the record, its facts, its seat tokens and who is asking. */
export interface DebateAccess {
  record: TranscriptRecord;
  facts: DebateFacts;
  principal: Principal;
  seatTokens: Map<string, { token: string; claimed: boolean }>;
  /** Throws unless the caller may receive `want` of this debate. */
  require(want: Want): void;
}

/**
 * Loads a debate for a request and resolves the caller against it. A debate the
 * caller may not even know of (a private one, to a stranger) is a 404 like a missing one.
 */
export async function debateAccess(req: Request, ctx: Pick<ArenaContext, 'store' | 'researcherToken'>, id: string): Promise<DebateAccess> {
  const [record, summary, seatTokens] = await Promise.all([ctx.store.getTranscript(id), ctx.store.summary(id), ctx.store.seatTokens(id)]);
  if (!record || !summary) throw new HttpError(404, `no debate "${id}"`);
  const facts: DebateFacts = { id: record.header.id, visibility: summary.visibility, status: record.status };
  const principal = principalOf(requestToken(req), { researcherToken: ctx.researcherToken, seatTokens, debateId: facts.id });
  enforce(decide(principal, facts, { view: 'summary' }));
  return { record, facts, principal, seatTokens, require: (want) => enforce(decide(principal, facts, want)) };
}

export { requestToken, requireResearcher };
