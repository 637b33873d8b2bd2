import type { Request } from 'express';
import type { ArenaContext } from '../context.ts';
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

/**
 * For the two researcher routes a browser cannot send a header to: the study
 * dashboard's event stream (EventSource) and its download links. They also accept the
 * token as `?token=`; nothing else does. Such URLs can reach logs and history: replace
 * them with short-lived tickets when the dashboard can fetch instead.
 */
export function requireResearcherHeaderOrQuery(req: Request, ctx: ArenaContext): void {
  const q = req.query.token;
  if (typeof q === 'string' && tokensEqual(q, ctx.researcherToken)) return;
  requireResearcher(req, ctx);
}
