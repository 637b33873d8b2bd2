/**
 * The access policy: the one place that decides, for every way in (a room join, each
 * HTTP endpoint, the exports, study pages, remote agents), who may receive which view
 * of a debate and who may use which endpoint. Transports resolve the caller to a
 * Principal (principal.ts), describe the debate with DebateFacts, ask `decide` for a
 * Want, and obey the Decision; none of them decides by itself.
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
import { isDebaterSeat, type DebateStatus, type DebateSummary, type Seat, type Visibility } from '@arena/shared';
import type { AgentId } from '../agents/registry.ts';
import type { StoredSummary } from '../store/store.ts';
import type { Credentials, Principal } from './principal.ts';
import { ALLOW, refuse, type Decision } from './refusal.ts';

/** What the policy needs to know of a debate. */
export interface DebateFacts {
  id: string;
  visibility: Visibility;
  status: DebateStatus;
}

export type Want = { view: 'summary' } | { view: 'live'; seat: Seat } | { view: 'steps'; seat: Seat } | { view: 'full' };


/** True when the principal holds a seat of this debate. */
function holdsSeatOf(p: Principal, debateId: string): p is Extract<Principal, { kind: 'seat' }> {
  return p.kind === 'seat' && p.debateId === debateId;
}

/** Decides whether `p` may receive `want` of the debate `d`. Pure: no I/O. */
export function decide(p: Principal, d: DebateFacts, want: Want): Decision {
  if (p.kind === 'researcher') return ALLOW;
  const participant = holdsSeatOf(p, d.id);
  if (d.visibility === 'private' && !participant) return refuse('not-found', `no debate "${d.id}"`);
  switch (want.view) {
    case 'summary':
      return ALLOW;
    case 'live':
    case 'steps': {
      if (!isDebaterSeat(want.seat)) return ALLOW;
      if (participant && p.seat === want.seat) return ALLOW;
      const what = want.view === 'live' ? 'view' : 'transcript';
      return refuse('forbidden', `the ${what} of seat ${want.seat} needs that seat's token`);
    }
    case 'full':
      if (d.visibility !== 'public') return refuse('forbidden', 'the full transcript of a private debate is only for researchers');
      if (d.status !== 'finished') {
        return refuse('forbidden', 'the full transcript of an unfinished debate is only for researchers; a debater can read its own seat (seat=A with its token)');
      }
      return ALLOW;
  }
}

/** What /api/health tells a caller: that the server is up, to anyone; how its store answers, and since when it runs, to researchers only. */
export function healthDetail(p: Principal): 'up' | 'full' {
  return p.kind === 'researcher' ? 'full' : 'up';
}

/** Which debates a principal finds in lists, reports and exports: public ones, or all of them. */
export function listScope(p: Principal): 'public' | 'all' {
  return p.kind === 'researcher' ? 'all' : 'public';
}

/** The researchers' endpoints (exports, re-judging, studies, agent keys, self-play): the researcher only. */
export function researcherOnly(p: Principal, presented: Credentials = {}): Decision {
  if (p.kind === 'researcher') return ALLOW;
  const inQuery = presented.tokenInQuery ? ' in the Authorization header (a token in the query string is not read)' : '';
  return refuse('unauthenticated', `this endpoint needs the researcher token${inQuery} (Authorization: Bearer <token>)`);
}

/**
 * Forking a debate (POST /api/debates/:id/fork) and reading its branches (GET …/forks):
 * researchers only. A fork starts with the parent's events, hidden speeches included, and
 * its tree names the parent: neither is for a participant of either debate. A fork is
 * always private (see debates/fork.ts).
 */
export function mayFork(p: Principal, presented: Credentials = {}): Decision {
  return researcherOnly(p, presented);
}

/**
 * A debate's summary as the caller may see it: no last-change time of an unfinished debate,
 * and no outcome of a debate whose rules keep it from its participants (a study without
 * feedback: its judge must not learn from the summary whether it was right), but for
 * researchers.
 */
export function summaryFor(stored: StoredSummary, p: Principal): DebateSummary {
  const { revealOutcome, ...summary } = stored;
  if (p.kind === 'researcher') return summary;
  return {
    ...summary,
    ...(summary.status === 'finished' ? {} : { updatedAt: null }),
    ...(revealOutcome ? {} : { outcome: null }),
  };
}

/** An agent id as shown to anyone: a replay agent's id names its original, which a re-judge must not learn. */
export function publicAgentId(agent: string | undefined, parsed: AgentId | null): string | null {
  if (agent === undefined) return null;
  return parsed?.kind === 'replay' ? 'replay' : agent;
}

/** The agents a caller may seat, and so is shown: all of them to researchers; the built-ins to anyone else (configured agents spend the lab's budget). */
export function offeredAgents(p: Principal, ids: readonly string[], parse: (id: string) => AgentId | null): string[] {
  return p.kind === 'researcher' ? [...ids] : ids.filter((id) => parse(id)?.kind === 'builtin');
}
