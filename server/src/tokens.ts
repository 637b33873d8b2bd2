import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A random secret (seat links, seeds): 144 bits, URL-safe. */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

/** A random debate id: 12 letters and digits. */
export function newDebateId(): string {
  return newToken().slice(0, 12).replace(/[^A-Za-z0-9]/g, 'x');
}

/** Compares a presented token with the real one in constant time. */
export function tokensEqual(presented: string | undefined, actual: string): boolean {
  if (presented === undefined) return false;
  const x = Buffer.from(presented);
  const y = Buffer.from(actual);
  return x.length === y.length && timingSafeEqual(x, y);
}
