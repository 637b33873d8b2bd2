/**
 * Study tickets: a short-lived ticket for the two study routes a browser cannot send a
 * header to (the dashboard's event stream and its download links): `expiry.signature`,
 * an HMAC of the study id and the expiry under the researcher token, so every process
 * that shares the token can check it and nothing is stored. The token itself never goes
 * in a URL.
 */
import { createHmac } from 'node:crypto';
import { tokensEqual } from '../tokens.ts';
import { refuse, type Refusal } from './refusal.ts';

/** How long a study ticket opens the dashboard's event stream and downloads. */
export const TICKET_SECONDS = 600;

export function issueStudyTicket(researcherToken: string, studyId: string, now = Date.now()): { ticket: string; expiresAt: number } {
  const expiresAt = now + TICKET_SECONDS * 1000;
  return { ticket: `${expiresAt}.${signature(researcherToken, studyId, expiresAt)}`, expiresAt };
}

function signature(researcherToken: string, studyId: string, expiresAt: number): string {
  return createHmac('sha256', researcherToken).update(`study-ticket\n${studyId}\n${expiresAt}`).digest('base64url');
}

/** Whether `ticket` is a live ticket of this study: its expiry, or why not. */
export function checkStudyTicket(researcherToken: string, studyId: string, ticket: string, now = Date.now()): { ok: true; expiresAt: number } | Refusal {
  const [expiry, sig] = ticket.split('.');
  const expiresAt = Number(expiry);
  if (!Number.isSafeInteger(expiresAt) || !sig) return refuse('unauthenticated', 'the ticket is malformed: ask for a new one (POST /api/studies/:id/ticket)');
  if (expiresAt < now) return refuse('unauthenticated', 'the ticket has expired: ask for a new one (POST /api/studies/:id/ticket)');
  if (!tokensEqual(sig, signature(researcherToken, studyId, expiresAt))) return refuse('unauthenticated', 'the ticket is not valid for this study');
  return { ok: true, expiresAt };
}
