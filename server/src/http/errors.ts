import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { describeIssues } from '@arena/shared';
import { redactSecrets } from '../redact.ts';

/** An error with an HTTP status and a message meant for the caller. */
export class HttpError extends Error {
  readonly status: number;
  readonly details?: unknown;
  /** A typed reason the caller can tell apart (sent as `code`). */
  readonly code?: string | undefined;

  constructor(status: number, message: string, details?: unknown, code?: string) {
    super(message);
    this.status = status;
    this.details = details;
    this.code = code;
  }
}

export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, `invalid ${what}: ${describeIssues(parsed.error)}`, parsed.error.issues);
  return parsed.data;
}

/**
 * A log line about a failed request that names no secret: the path without its query
 * string (seat links and old clients put tokens there), and the error's name, message
 * and stack only (a database error also carries the query and its parameters, which
 * may hold seat tokens), with anything shaped like a token in them masked.
 */
export function describeFailure(req: Pick<Request, 'method' | 'originalUrl'>, err: unknown): string {
  const path = (req.originalUrl ?? '').split('?')[0];
  const e = err instanceof Error ? err : new Error(String(err));
  const text = `${req.method} ${path}: ${e.stack ?? `${e.name}: ${e.message}`}`;
  return redactSecrets(text);
}


export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof HttpError) {
    res.status(err.status).json({ error: err.message, ...(err.code ? { code: err.code } : {}), ...(err.details ? { details: err.details } : {}) });
    return;
  }
  const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) {
    res.status(status).json({ error: clientMessage(err) });
    return;
  }
  console.error(`unexpected error in an HTTP handler: ${describeFailure(req, err)}`);
  res.status(500).json({ error: 'internal error; the server log has the details' });
}

/** What a caller is told about a 4xx raised by Express or its body parser. */
function clientMessage(err: unknown): string {
  const type = (err as { type?: string }).type;
  if (type === 'entity.too.large') return `the request body is too large (at most ${(err as { limit?: number }).limit ?? '?'} bytes)`;
  if (type === 'entity.parse.failed') return 'the request body is not valid JSON';
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return 'the request body must be UTF-8 JSON';
  return (err as Error).message || 'bad request';
}
