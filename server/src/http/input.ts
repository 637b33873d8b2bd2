/** Bounds on what a request may carry, applied before any handler reads it. */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { describeIssues, jsonProblem, safeText } from '@arena/shared';
import { HttpError } from './errors.ts';

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

/** What every segment of an API path must be once decoded: storable text of at most 300 characters (ids are shorter). */
const PathSegment = safeText(z.string().max(300));

/**
 * One check of every id in every API path, before any router reads it: each segment of
 * the path, percent-decoded, must be storable text (no NUL, no lone surrogate) of at most
 * 300 characters, else 400. So no id a store cannot hold (Postgres refuses a NUL) reaches
 * one, whichever router the path belongs to.
 */
export function checkPathSegments(req: Request, _res: Response, next: NextFunction): void {
  for (const raw of req.path.split('/')) {
    if (!raw) continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return next(new HttpError(400, 'malformed path: a broken percent-encoding'));
    }
    const parsed = PathSegment.safeParse(segment);
    if (!parsed.success) return next(new HttpError(400, `malformed path segment: ${describeIssues(parsed.error)}`));
  }
  next();
}
