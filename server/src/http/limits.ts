/**
 * Limits on requests per address (or per key, e.g. per study) (express-rate-limit): each answers the request over its
 * limit with a 429 whose JSON says what was limited and when to try again. With several
 * processes each limit counts in Redis, once for all of them (`stores`).
 */
import type { Request, RequestHandler } from 'express';
import { rateLimit, type Store as RateLimitStore } from 'express-rate-limit';

/** Where a named limit counts: Redis when several processes share one (REDIS_URL), else in memory (undefined). */
export type LimitStores = (name: string) => RateLimitStore | undefined;

export interface AddressLimit {
  /** Names the limit's counters (one store each). */
  name: string;
  windowMs: number;
  limit: number;
  /** Requests that are not counted (and never refused by this limit). */
  skip?: (req: Request) => boolean;
  /** What is counted against (default: the client's address). */
  key?: (req: Request) => string;
  /** Which answers count: all (default), or only those for which this returns true. */
  counts?: (status: number) => boolean;
  /** What was limited, for the refusal: "at most 20 debates per 10 minutes from one address …". */
  what: string;
  stores?: LimitStores | undefined;
}

/** A per-address limit as Express middleware. */
export function addressLimit(o: AddressLimit): RequestHandler {
  const store = o.stores?.(o.name);
  return rateLimit({
    windowMs: o.windowMs,
    limit: o.limit,
    ...(o.skip ? { skip: o.skip } : {}),
    ...(o.key ? { keyGenerator: o.key } : {}),
    ...(o.counts ? { skipSuccessfulRequests: true, requestWasSuccessful: (_req, res) => !o.counts!(res.statusCode) } : {}),
    ...(store ? { store } : {}),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, res, _next, options) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : Math.round(options.windowMs / 1000);
      res.status(429).json({ error: `rate-limited: ${o.what}; try again in ${seconds} s`, code: 'rate-limited', retryAfterSeconds: seconds });
    },
  });
}
