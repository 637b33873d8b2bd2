import type { Request } from 'express';
import type { ArenaContext } from '../context.ts';
import { createHmac } from 'node:crypto';
import { tokensEqual } from '../tokens.ts';
import { HttpError } from './errors.ts';

/**
 * The bearer token of a request, from `Authorization: Bearer …` only. A token in the
 * query string would end up in access logs, proxies' logs and browser history, so it
 * is never read from there.
 */
export function requestToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const m = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
  return m ? m[1] : undefined;
}

export function isResearcher(req: Request, ctx: ArenaContext): boolean {
  return tokensEqual(requestToken(req), ctx.researcherToken);
}

/** Refuses (401) a request without the researcher token. */
export function requireResearcher(req: Request, ctx: ArenaContext): void {
  if (isResearcher(req, ctx)) return;
  const inQuery = req.query.token !== undefined ? ' in the Authorization header (a token in the query string is not read)' : '';
  throw new HttpError(401, `this endpoint needs the researcher token${inQuery} (Authorization: Bearer <token>)`);
}

/** How long a study ticket opens the dashboard's event stream and downloads. */
export const TICKET_SECONDS = 600;

/**
 * A short-lived ticket for the two study routes a browser cannot send a header to (the
 * dashboard's event stream and its download links): `expiry.signature`, an HMAC of the
 * study id and the expiry under the researcher token, so every process that shares the
 * token can check it and nothing is stored. The token itself never goes in a URL.
 */
export function studyTicket(ctx: ArenaContext, studyId: string, now = Date.now()): { ticket: string; expiresAt: number } {
  const expiresAt = now + TICKET_SECONDS * 1000;
  return { ticket: `${expiresAt}.${ticketSignature(ctx, studyId, expiresAt)}`, expiresAt };
}

function ticketSignature(ctx: ArenaContext, studyId: string, expiresAt: number): string {
  return createHmac('sha256', ctx.researcherToken).update(`study-ticket\n${studyId}\n${expiresAt}`).digest('base64url');
}

/** Refuses (401) a request with neither the researcher token (header) nor a live ticket (`?ticket=`) for this study. */
export function requireResearcherOrTicket(req: Request, ctx: ArenaContext, studyId: string): void {
  const ticket = req.query.ticket;
  if (typeof ticket === 'string') {
    const [expiry, signature] = ticket.split('.');
    const expiresAt = Number(expiry);
    if (!Number.isSafeInteger(expiresAt) || !signature) throw new HttpError(401, 'the ticket is malformed: ask for a new one (POST /api/studies/:id/ticket)');
    if (expiresAt < Date.now()) throw new HttpError(401, 'the ticket has expired: ask for a new one (POST /api/studies/:id/ticket)');
    if (!tokensEqual(signature, ticketSignature(ctx, studyId, expiresAt))) throw new HttpError(401, 'the ticket is not valid for this study');
    return;
  }
  requireResearcher(req, ctx);
}
