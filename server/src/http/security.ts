/**
 * HTTP hygiene for a server on the open internet: security headers (helmet, with a
 * Content-Security-Policy the built client satisfies), CORS limited to an allow-list,
 * and `Cache-Control: no-store` on the API.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { matchMaker } from '@colyseus/core';

/**
 * The CSP hashes of the inline scripts of the built page (the client's build adds one
 * small script that preloads the debate page's code). Read from the file the server
 * serves, so a rebuilt client is allowed exactly what it contains, nothing more.
 */
export function inlineScriptHashes(indexHtml: string): string[] {
  if (!existsSync(indexHtml)) return [];
  const html = readFileSync(indexHtml, 'utf8');
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    const body = m[1] ?? '';
    if (body.trim()) hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/**
 * Security headers on every response of the Express app: a strict CSP (scripts and
 * styles from this origin only, the page's own inline script by hash, the WebSocket to
 * this origin, no framing, no plugins), nosniff, a strict referrer policy (seat links
 * carry their token in the query string: it must not leak through Referer), and
 * helmet's other defaults. `upgrade-insecure-requests` is left out so a server reached
 * over plain HTTP on a local network still loads its own scripts.
 */
export function securityHeaders(indexHtml: string): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", ...inlineScriptHashes(indexHtml)],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  }) as RequestHandler;
}

/** True when `origin` may call this server from a page of another origin. */
export function originAllowed(origin: string | null | undefined, allowed: readonly string[]): origin is string {
  return !!origin && (allowed.includes('*') || allowed.includes(origin));
}

/**
 * CORS for the whole port. Colyseus answers every request first (its matchmaking routes
 * and a listener in front of Express) with CORS headers of its own, by default echoing
 * any Origin with credentials allowed. Those headers are replaced here: no
 * Access-Control-Allow-Origin unless the Origin is on the allow-list (same-origin only
 * when the list is empty), never credentials (the API uses bearer tokens, not cookies),
 * and `Vary: Origin` so caches keep answers for different origins apart. Preflight
 * requests (OPTIONS) are answered by Colyseus with these same headers.
 */
export function applyCorsPolicy(allowed: readonly string[]): void {
  const controller = matchMaker.controller as unknown as {
    DEFAULT_CORS_HEADERS: Record<string, string>;
    getCorsHeaders: (headers: Headers) => Record<string, string>;
  };
  controller.DEFAULT_CORS_HEADERS = {
    'Access-Control-Allow-Headers': 'Content-Type, Authorization',
    'Access-Control-Allow-Methods': 'GET, HEAD, POST',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
  controller.getCorsHeaders = (headers: Headers): Record<string, string> => {
    const origin = headers.get('origin');
    return originAllowed(origin, allowed) ? { 'Access-Control-Allow-Origin': origin } : {};
  };
}

/**
 * `Cache-Control: no-store` on API answers: some carry seat tokens or unpublished
 * transcripts, and none should sit in a shared cache or the browser's disk cache.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
