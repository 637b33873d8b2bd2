/**
 * What an HTTP request presents: its bearer token, from `Authorization: Bearer …` only
 * (a token in the query string would end up in access logs, proxies' logs and browser
 * history, so it is never read from there), and a study ticket (`?ticket=`).
 */
import type { Credentials } from './principal.ts';

/** The parts of a request read here (an Express request has them). */
export interface RequestLike {
  get(name: string): string | undefined;
  query: Record<string, unknown>;
}

export function credentialsOf(req: RequestLike): Credentials {
  const header = req.get('authorization');
  const m = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
  const ticket = req.query.ticket;
  return {
    ...(m ? { bearer: m[1] } : {}),
    ...(typeof ticket === 'string' ? { ticket } : {}),
    ...(req.query.token !== undefined ? { tokenInQuery: true } : {}),
  };
}
