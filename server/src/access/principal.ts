/**
 * Who is asking. Every way in (a route, a room join, a study page, an export, the agent
 * gateway) collects what the caller presented (Credentials) and resolves it here into a
 * Principal with what the server knows (PrincipalFacts); the policy then decides on the
 * principal alone. Nothing else reads or compares a token.
 */
import type { Seat } from '@arena/shared';
import { tokensEqual } from '../tokens.ts';
import { checkStudyTicket } from './ticket.ts';

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'researcher' }
  /** The holder of one seat's token of one debate: elsewhere, anonymous. */
  | { kind: 'seat'; debateId: string; seat: Seat }
  /** A study participant, by the token of their study link's entry. */
  | { kind: 'participant'; studyId: string; participantId: string }
  /** A short-lived ticket for a study's dashboard stream and downloads, until it expires. */
  | { kind: 'studyTicket'; studyId: string; expiresAt: number }
  /** A remote agent, by a key issued for its name. */
  | { kind: 'agentKey'; name: string; keyId: string };

export type PrincipalKind = Principal['kind'];

/** What a caller presented. */
export interface Credentials {
  /** `Authorization: Bearer …` (HTTP), or the token of a room's join options. */
  bearer?: string | undefined;
  /** A study ticket (`?ticket=` on the two study routes a browser opens without headers). */
  ticket?: string | undefined;
  /** True when a token was put in the query string, which is never read (for the refusal's wording). */
  tokenInQuery?: boolean;
}

/** What the server knows to resolve credentials, for the thing concerned (a debate, a study, an agent key). */
export interface PrincipalFacts {
  researcherToken: string;
  /** The debate concerned, with its seat tokens. */
  debate?: { id: string; seatTokens: ReadonlyMap<string, { token: string }> };
  /**
   * The study concerned. `participantOf` names the participant whose token this is (the
   * studies' part, which reads their tokens); tickets are checked against `now`.
   */
  study?: { id: string; participantOf?: (token: string) => string | null; now?: number };
  /** A remote agent's key, once the gateway's key store has verified it. */
  agentKey?: { name: string; keyId: string };
}

const ANONYMOUS: Principal = { kind: 'anonymous' };

/**
 * Resolves credentials into one principal, strongest first: the researcher, a seat of
 * the debate concerned, a participant of the study concerned, a live ticket of that
 * study, a verified agent key; anyone else is anonymous. A token is good only for what
 * it was issued for: another debate's seat token makes its bearer anonymous here.
 */
export function resolvePrincipal(credentials: Credentials, facts: PrincipalFacts): Principal {
  const token = credentials.bearer;
  if (token) {
    if (tokensEqual(token, facts.researcherToken)) return { kind: 'researcher' };
    if (facts.debate) {
      for (const [seat, entry] of facts.debate.seatTokens) if (tokensEqual(token, entry.token)) return { kind: 'seat', debateId: facts.debate.id, seat: seat as Seat };
    }
    const participant = facts.study?.participantOf?.(token);
    if (facts.study && participant) return { kind: 'participant', studyId: facts.study.id, participantId: participant };
  }
  if (credentials.ticket !== undefined && facts.study) {
    const checked = checkStudyTicket(facts.researcherToken, facts.study.id, credentials.ticket, facts.study.now);
    if (checked.ok) return { kind: 'studyTicket', studyId: facts.study.id, expiresAt: checked.expiresAt };
  }
  if (facts.agentKey) return { kind: 'agentKey', name: facts.agentKey.name, keyId: facts.agentKey.keyId };
  return ANONYMOUS;
}
