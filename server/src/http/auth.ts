import type { Request } from 'express';
import type { ArenaContext } from '../context.ts';
import { tokensEqual } from '../tokens.ts';
import { HttpError } from './errors.ts';

/** The bearer token of a request: `Authorization: Bearer …` or `?token=…`. */
export function requestToken(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const q = req.query.token;
  return typeof q === 'string' ? q : undefined;
}

export function isResearcher(req: Request, ctx: ArenaContext): boolean {
  return tokensEqual(requestToken(req), ctx.researcherToken);
}

/** Refuses (401) a request without the researcher token. */
export function requireResearcher(req: Request, ctx: ArenaContext): void {
  if (!isResearcher(req, ctx)) throw new HttpError(401, 'this endpoint needs the researcher token (Authorization: Bearer <token>)');
}
