/**
 * Who may do what with a study: the credentials of the study routes resolved to a
 * principal (the researcher token, a participant's token, a study ticket), and one
 * decision, `mayStudy`, of what each may do. Pure: the participant's stored row and the
 * clock are handed in.
 */
import { tokensEqual } from '../tokens.ts';
import { resolvePrincipal, type Principal } from './principal.ts';
import { checkStudyTicket } from './ticket.ts';

/** The principals a study route meets (principal.ts resolves them; a seat token or agent key means nothing here). */
export type StudyPrincipal = Extract<Principal, { kind: 'anonymous' | 'researcher' | 'participant' | 'studyTicket' }>;

/** Why a principal may not: `unauthorized` (no or bad credentials) or `forbidden` (credentials that do not reach this). */
export type StudyAccessRefusal = { ok: false; code: 'unauthorized' | 'forbidden'; reason: string };

/** What may be done with studies. */
export type StudyAction =
  /** List the studies, launch one, pause/resume/close one, see its progress, a participant's record, mark bonuses paid, ask for a ticket. */
  | 'list'
  | 'launch'
  | 'steer'
  | 'progress'
  | 'inspect'
  | 'pay'
  | 'ticket'
  /** Follow the live progress, download the exports (a ticket is enough). */
  | 'watch'
  | 'export'
  /** Walk one's own path through a study (consent, items, end page). */
  | 'participate';

const BY_TICKET: readonly StudyAction[] = ['watch', 'export'];


/** Whether `principal` may do `action` (with study `studyId`); null when it may. */
export function mayStudy(principal: StudyPrincipal, action: StudyAction, studyId?: string): StudyAccessRefusal | null {
  switch (principal.kind) {
    case 'researcher':
      return action === 'participate' ? { ok: false, code: 'forbidden', reason: 'the researcher token is not a participant: open the study from a panel link' } : null;
    case 'participant':
      if (action === 'participate' && principal.studyId === studyId) return null;
      return { ok: false, code: 'forbidden', reason: 'a participant sees their own path through their study, nothing else' };
    case 'studyTicket':
      if (principal.studyId !== studyId) return { ok: false, code: 'unauthorized', reason: 'the ticket is not valid for this study' };
      return BY_TICKET.includes(action) ? null : { ok: false, code: 'unauthorized', reason: 'a ticket opens the event stream and the downloads only; this needs the researcher token (Authorization: Bearer <token>)' };
    case 'anonymous':
      return action === 'participate'
        ? { ok: false, code: 'unauthorized', reason: 'open the study from your panel link' }
        : { ok: false, code: 'unauthorized', reason: 'this endpoint needs the researcher token (Authorization: Bearer <token>)' };
  }
}

/** The researcher, when the presented bearer token is theirs; else anonymous. */
export function researcherOf(bearer: string | undefined, researcherToken: string): StudyPrincipal {
  return resolvePrincipal({ bearer }, { researcherToken }).kind === 'researcher' ? { kind: 'researcher' } : { kind: 'anonymous' };
}

/**
 * A participant from their token and the row it found (looked up by the caller): a token
 * that finds nobody is a link that is no longer valid.
 */
export function participantOf(
  studyId: string,
  presented: string | undefined,
  found: { studyId: string; participant: string; token: string } | null,
): Extract<StudyPrincipal, { kind: 'participant' }> | StudyAccessRefusal {
  if (!presented) return { ok: false, code: 'unauthorized', reason: 'open the study from your panel link' };
  if (!found || found.studyId !== studyId || !tokensEqual(presented, found.token)) {
    return { ok: false, code: 'unauthorized', reason: 'this study link is not valid any more; open the link from your panel again' };
  }
  return { kind: 'participant', studyId, participantId: found.participant };
}

/** The study ticket a URL presents, checked against the study and the clock (access/ticket.ts). */
export function studyTicketOf(ticket: string, researcherToken: string, studyId: string, now: number): Extract<StudyPrincipal, { kind: 'studyTicket' }> | StudyAccessRefusal {
  const checked = checkStudyTicket(researcherToken, studyId, ticket, now);
  if (!checked.ok) return { ok: false, code: 'unauthorized', reason: checked.reason };
  return { kind: 'studyTicket', studyId, expiresAt: checked.expiresAt };
}
