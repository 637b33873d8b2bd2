/** Bounds on what a request may carry, applied before any handler reads it. */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { jsonProblem, safeText } from '@arena/shared';
import { HttpError, parseOr400 } from './errors.ts';

/** Largest JSON body (the biggest legitimate one, a debate with 10 kB of meta, is far smaller). */
export const JSON_BODY_LIMIT = 64 * 1024;
/** Deepest nesting and most values a JSON body may have. */
export const JSON_BODY_SHAPE = { depth: 16, nodes: 5000 };

/**
 * Parses a JSON body of at most JSON_BODY_LIMIT bytes and refuses (400) one nested too
 * deep, with too many values, or with a string no store can hold (NUL, lone surrogate),
 * before any handler walks it.
 */
export function jsonBody(): RequestHandler[] {
  return [
    express.json({ limit: JSON_BODY_LIMIT }),
    (req: Request, _res: Response, next: NextFunction) => {
      if (req.body !== undefined && req.body !== null) {
        const problem = jsonProblem(req.body, JSON_BODY_SHAPE);
        if (problem) return next(new HttpError(400, `invalid JSON body: ${problem}`));
      }
      next();
    },
  ];
}

/** A debate id in a path: storable text of at most 300 characters (real ids are shorter). */
export const DebateIdParam = safeText(z.string().min(1).max(300));

/** For `router.param('id', …)`: a malformed id is a 400 before any lookup. */
export function checkIdParam(_req: Request, _res: Response, next: NextFunction, value: unknown): void {
  try {
    parseOr400(DebateIdParam, value, 'debate id');
    next();
  } catch (err) {
    next(err);
  }
}
