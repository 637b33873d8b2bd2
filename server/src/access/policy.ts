/**
 * The access policy: the one place that decides, for every way in (a room join, each
 * HTTP endpoint, the exports; later study pages and remote agents), who may receive
 * which view of a debate. Transports resolve the caller to a Principal, describe the
 * debate with DebateFacts, ask `decide` for a Want, and obey the Decision; none of
 * them decides by itself.
 *
 * The views:
 * - `live`: a seat's view now (viewFor(state, seat)), over the room or GET …/view;
 * - `steps`: the debate step by step as a seat saw it (GET …/transcript?seat=…);
 * - `full`: everything, header and events (GET …/transcript?seat=full, the exports);
 * - `summary`: a debate's row (GET /api/debates/:id).
 *
 * The rules (the README's access table is the same, checked by tests/integration/access.test.ts):
 * - the researcher may see everything;
 * - a debater seat's views are for the holder of that seat's token;
 * - the judge's and observers' views: anyone for a public debate; for a private one,
 *   the holder of any of its seats' tokens;
 * - everything: anyone once a public debate is finished;
 * - a private debate is unlisted: to anyone else it does not exist (404).
 */
import { DEBATER_SEATS, type DebaterSeat, type DebateStatus, type Seat, type Visibility } from '@arena/shared';
import { tokensEqual } from '../tokens.ts';

/**
 * Who is asking. A token is a seat's token for one debate only: presented to
 * another debate it makes its bearer anonymous there. (Later: a study participant,
 * a remote agent.)
 */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'researcher' }
  | { kind: 'seat'; debateId: string; seat: Seat };

/** What the policy needs to know of a debate. */
export interface DebateFacts {
  id: string;
  visibility: Visibility;
  status: DebateStatus;
}

export type Want = { view: 'summary' } | { view: 'live'; seat: Seat } | { view: 'steps'; seat: Seat } | { view: 'full' };

/**
 * The answer: allowed, or refused with an HTTP-like status (401 the researcher token
 * is needed, 403 a token is needed that the caller lacks, 404 the debate is unlisted
 * to this caller) and a reason for people.
 */
export type Decision = { ok: true } | { ok: false; status: 401 | 403 | 404; reason: string };

const ALLOW: Decision = { ok: true };

const isDebaterSeat = (seat: Seat): seat is DebaterSeat => (DEBATER_SEATS as readonly string[]).includes(seat);

/** True when the principal holds a seat of this debate. */
export function holdsSeatOf(p: Principal, debateId: string): p is Extract<Principal, { kind: 'seat' }> {
  return p.kind === 'seat' && p.debateId === debateId;
}

/** Decides whether `p` may receive `want` of the debate `d`. Pure: no I/O. */
export function decide(p: Principal, d: DebateFacts, want: Want): Decision {
  if (p.kind === 'researcher') return ALLOW;
  const participant = holdsSeatOf(p, d.id);
  if (d.visibility === 'private' && !participant) return { ok: false, status: 404, reason: `no debate "${d.id}"` };
  switch (want.view) {
    case 'summary':
      return ALLOW;
    case 'live':
    case 'steps': {
      if (!isDebaterSeat(want.seat)) return ALLOW;
      if (participant && p.seat === want.seat) return ALLOW;
      const what = want.view === 'live' ? 'view' : 'transcript';
      return { ok: false, status: 403, reason: `the ${what} of seat ${want.seat} needs that seat's token` };
    }
    case 'full':
      if (d.visibility !== 'public') return { ok: false, status: 403, reason: 'the full transcript of a private debate is only for researchers' };
      if (d.status !== 'finished') {
        return { ok: false, status: 403, reason: 'the full transcript of an unfinished debate is only for researchers; a debater can read its own seat (seat=A with its token)' };
      }
      return ALLOW;
  }
}

/** Which debates a principal finds in lists, reports and exports: public ones, or all of them. */
export function listScope(p: Principal): 'public' | 'all' {
  return p.kind === 'researcher' ? 'all' : 'public';
}

/** Whether a principal may use the researchers' endpoints (exports, re-judging). */
export function isResearcherPrincipal(p: Principal): boolean {
  return p.kind === 'researcher';
}

/** Everything the policy needs to know to resolve a token, for one debate. */
export interface TokenFacts {
  researcherToken: string;
  /** The debate's seat tokens (seat → token), when a debate is concerned. */
  seatTokens?: ReadonlyMap<string, { token: string }>;
  debateId?: string;
}

/** Resolves a presented token: the researcher, the holder of one of this debate's seats, or anonymous. */
export function principalOf(token: string | undefined, facts: TokenFacts): Principal {
  if (token === undefined || token === '') return { kind: 'anonymous' };
  if (tokensEqual(token, facts.researcherToken)) return { kind: 'researcher' };
  if (facts.seatTokens && facts.debateId) {
    for (const [seat, entry] of facts.seatTokens) if (tokensEqual(token, entry.token)) return { kind: 'seat', debateId: facts.debateId, seat: seat as Seat };
  }
  return { kind: 'anonymous' };
}
