import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** The bearer token of a request: `Authorization: Bearer …` or `?token=…`. */
export function requestToken(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const q = req.query.token;
  return typeof q === 'string' ? q : undefined;
}

export function tokensEqual(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
