/**
 * A seat link's page with its room's seat reservation in it. A link that carries its seat's
 * token (`/debate/<id>/<seat>?token=…`), or an observer's link (`/debate/<id>`), is served
 * the client's page with the matchmaking answer the browser would otherwise ask for first
 * (`POST /matchmake/joinOrCreate/debate` with the same options), as a JSON data block that
 * client/seat-link-start.js reads before anything else: the browser opens the room's
 * WebSocket while the page's JavaScript downloads, a round trip sooner than by asking.
 *
 * A reservation decides nothing: who may take the seat is decided when the WebSocket joins
 * (the room's onAuth, access/join.ts), as for any reservation, and an unused one expires.
 * Only a caller who may know of the debate (its summary, by the access policy) gets one.
 * The reservation goes through the matchmaker's guarded entry point (http/matchmaking.ts)
 * and the per-address connection limit, like the matchmaking request it replaces. Such a
 * page is never stored by a cache (`no-store`). A link without a token (a reload: the
 * token is in the browser's storage), an address at its limit or any failure gets the plain
 * page, whose script then asks as before and shows a refusal's reason.
 */
import type { IncomingMessage } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import { matchMaker } from '@colyseus/core';
import { PROTOCOL_VERSION, ROOM_NAME } from '@arena/shared';

/** The element id of the data block; client/seat-link-start.js reads it. */
export const RESERVATION_ELEMENT = 'arena-reservation';

/** The join options a seat link's page reserves with, or null when the page is served plain. */
export function seatLinkOptions(path: string, query: Record<string, unknown>): { debateId: string; seat: string; token?: string; protocol: number } | null {
  const m = /^\/debate\/([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
  if (!m) return null;
  let debateId: string;
  let seat: string;
  try {
    debateId = decodeURIComponent(m[1]!);
    seat = m[2] === undefined ? 'observer' : decodeURIComponent(m[2]);
  } catch {
    return null;
  }
  const token = typeof query['token'] === 'string' && query['token'].length > 0 ? query['token'] : undefined;
  // A seat without its token in the link takes the one the browser stored: only the page's script knows it.
  if (seat !== 'observer' && token === undefined) return null;
  return { debateId, seat, ...(token !== undefined ? { token } : {}), protocol: PROTOCOL_VERSION };
}

/** `html` with the reservation as a JSON data block at the top of <head>, before the page's first script. */
export function withReservation(html: string, reservation: unknown): string {
  // `<` escaped: no value can close the element.
  const json = JSON.stringify(reservation).replace(/</g, '\\u003c');
  return html.replace('<head>', `<head>\n    <script type="application/json" id="${RESERVATION_ELEMENT}">${json}</script>`);
}

export interface SeatPageDeps {
  /** The client's index.html. */
  html: string;
  /** A refusal when the request's address is at its connection limit (the matchmaking request's own check). */
  admit: (req: IncomingMessage) => { status: number; error: string } | null;
  /**
   * Whether the link's token (or no token, for an observer) may know of the debate, as the
   * access policy decides for its summary: a private or hidden debate is reserved for no
   * stranger, so the page of one and of a debate that does not exist are the same page.
   */
  mayKnow: (debateId: string, token: string | undefined) => Promise<boolean>;
}

/**
 * Serves a seat link's page with a reservation when it can (true), else leaves the request
 * to the plain page (false).
 */
export async function serveSeatPage(deps: SeatPageDeps, req: Request, res: Response): Promise<boolean> {
  if (req.method !== 'GET') return false;
  const options = seatLinkOptions(req.path, req.query as Record<string, unknown>);
  if (!options || deps.admit(req)) return false;
  let reservation: unknown;
  try {
    if (!(await deps.mayKnow(options.debateId, options.token))) return false;
    reservation = await (matchMaker.controller as unknown as { invokeMethod(m: string, r: string, o: unknown, a?: unknown): Promise<unknown> }).invokeMethod('joinOrCreate', ROOM_NAME, options);
  } catch {
    return false;
  }
  const body = Buffer.from(withReservation(deps.html, reservation), 'utf8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Vary', 'Accept-Encoding');
  res.type('html');
  // Compressed here, small and per request: brotli at a fast level, else gzip, else as it is.
  const accepts = (name: string) => !!req.headers['accept-encoding'] && req.acceptsEncodings(name) === name;
  const encoding = accepts('br') ? 'br' : accepts('gzip') ? 'gzip' : null;
  const sent = encoding === 'br' ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }) : encoding === 'gzip' ? gzipSync(body) : body;
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', sent.length);
  res.end(sent);
  return true;
}
