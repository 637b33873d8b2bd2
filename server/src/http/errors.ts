import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { describeIssues } from '@arena/shared';

/** An error with an HTTP status and a message meant for the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, `invalid ${what}: ${describeIssues(parsed.error)}`, parsed.error.issues);
  return parsed.data;
}

export function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof HttpError) {
    res.status(err.status).json({ error: err.message, ...(err.details ? { details: err.details } : {}) });
    return;
  }
  const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) {
    res.status(status).json({ error: (err as Error).message || 'bad request' });
    return;
  }
  console.error('unexpected error in an HTTP handler:', err);
  res.status(500).json({ error: 'internal error; the server log has the details' });
}
