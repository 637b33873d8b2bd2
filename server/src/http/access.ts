/**
 * The access policy at the HTTP boundary: a request's credentials (read by
 * ../access/request.ts) resolve to a principal, and the policy's and the services' typed
 * refusals become HTTP errors here. Routes hold no rule of their own.
 */
import type { Request } from 'express';
import { researcherOnly } from '../access/policy.ts';
import { resolvePrincipal, type Principal } from '../access/principal.ts';
import type { Decision, RefusalCode, Result } from '../access/refusal.ts';
import { credentialsOf } from '../access/request.ts';
import { HttpError } from './errors.ts';

/** What the routes that ask who is calling need. */
export interface ResearcherTokenDep {
  researcherToken: string;
}

const STATUS: Record<RefusalCode, number> = { unauthenticated: 401, forbidden: 403, 'not-found': 404, invalid: 400, conflict: 409, unprocessable: 422 };

/** Throws a refusal as an HTTP error. */
export function enforce(decision: Decision): void {
  if (!decision.ok) throw new HttpError(STATUS[decision.code], decision.reason);
}

/** A service's value, or its refusal thrown as an HTTP error. */
export function valueOr4xx<T>(result: Result<T>): T {
  if (!result.ok) throw new HttpError(STATUS[result.code], result.reason);
  return result.value;
}

/** Who a request is, with no debate or study concerned: the researcher or anonymous. */
export function requestPrincipal(req: Request, deps: ResearcherTokenDep): Principal {
  return resolvePrincipal(credentialsOf(req), { researcherToken: deps.researcherToken });
}

/** Refuses (401) a request without the researcher token; answers its principal. */
export function requireResearcher(req: Request, deps: ResearcherTokenDep): Principal {
  const who = requestPrincipal(req, deps);
  enforce(researcherOnly(who, credentialsOf(req)));
  return who;
}

/** The bearer token a request presents (a study participant's token, resolved by the study service). */
export function requestToken(req: Request): string | undefined {
  return credentialsOf(req).bearer;
}
