/**
 * What access and the services answer: a value, or a typed refusal. A transport maps
 * the code to its own terms (HTTP: 401, 403, 404, 400, 409, 422; a room: a join refusal).
 */
export type RefusalCode =
  /** The researcher token (or another credential) is needed and was not presented. */
  | 'unauthenticated'
  /** The caller is known but may not do or see this. */
  | 'forbidden'
  /** No such thing, or one the caller may not know of. */
  | 'not-found'
  /** The request is malformed or out of bounds. */
  | 'invalid'
  /** The thing is in a state that does not allow it. */
  | 'conflict'
  /** Well-formed, but it cannot be played (an agent that cannot take its seat). */
  | 'unprocessable';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  reason: string;
}

export type Decision = { ok: true } | Refusal;

export type Result<T> = { ok: true; value: T } | Refusal;

export const ALLOW: Decision = { ok: true };

export function refuse(code: RefusalCode, reason: string): Refusal {
  return { ok: false, code, reason };
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}
