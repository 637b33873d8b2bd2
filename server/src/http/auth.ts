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
