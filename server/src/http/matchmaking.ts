/**
 * Colyseus answers POST /matchmake/:method/:room itself, before Express, and hands the
 * body to the room as its options: the debate is looked up by `debateId` before the
 * room's own check of the join options runs. Options that are not an object, or a
 * debateId no store can hold (NUL, lone surrogate, too long), are refused here with a
 * 400, so they never reach the store (where they were a database error).
 *
 * Colyseus also answers a client's mistakes and transient conditions with its own
 * 52x codes, which HTTP reads as server errors. They are answered as what they are:
 * an unknown method or room name 404, bad criteria 400, an unknown room id 404, an
 * expired reservation 410, a room that is full or closing 409. The SDK passes the
 * status on as the error's code and does not act on these codes. An error a room
 * throws without an HTTP status (a bug) becomes a plain 500.
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { matchMaker, ServerError } from '@colyseus/core';
import { z } from 'zod';
import { describeIssues, jsonProblem, safeText } from '@arena/shared';

const Reachable = z.looseObject({ debateId: safeText(z.string().min(1).max(300)).optional() });

type Invoke = (method: string, roomName: string, clientOptions?: unknown, authOptions?: unknown) => Promise<unknown>;

let original: Invoke | null = null;

/** Installs the check in front of the matchmaker (once per process; idempotent). */
export function guardMatchmaking(): void {
  const controller = matchMaker.controller as unknown as { invokeMethod: Invoke };
  if (original) return;
  original = controller.invokeMethod.bind(controller);
  const invoke = original;
  controller.invokeMethod = async (method, roomName, clientOptions = {}, authOptions) => {
    if (clientOptions === null || typeof clientOptions !== 'object' || Array.isArray(clientOptions)) {
      throw new ServerError(400, 'malformed join options: expected a JSON object');
    }
    // Join options are a handful of short fields; anything bigger never reaches a room.
    const problem = jsonProblem(clientOptions, { depth: 4, nodes: 200 });
    if (problem) throw new ServerError(400, `malformed join options: ${problem}`);
    const parsed = Reachable.safeParse(clientOptions);
    if (!parsed.success) throw new ServerError(400, `malformed join options: ${describeIssues(parsed.error)}`);
    try {
      return await invoke(method, roomName, clientOptions, authOptions);
    } catch (err) {
      throw asHttpError(err);
    }
  };
}

const COLYSEUS_CODES: Record<number, number> = { 520: 404, 521: 400, 522: 404, 524: 410 };

function asHttpError(err: unknown): ServerError {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 400 || code > 599) return new ServerError(500, 'internal error while joining; the server log has the details');
  const mapped = COLYSEUS_CODES[code];
  if (mapped) return new ServerError(mapped, message);
  // The matchmaker's SeatReservationError reaches here as an "unhandled" 523 and only its message tells it apart.
  if (code === 523 && /is already full\.$/.test(message)) return new ServerError(409, `${message.replace(/\.$/, '')}: the room is full or closing`);
  return err instanceof ServerError ? err : new ServerError(code, message);
}

/** A matchmaking request refused before Colyseus sees it: the status and what the caller is told. */
export interface EarlyRefusal {
  status: number;
  error: string;
}

/**
 * Checks matchmaking requests before Colyseus reads them, on the raw request (its
 * socket's address included, which Colyseus does not pass on):
 * - join options are JSON: Colyseus's router parses a body by its content type before
 *   any hook of the matchmaker runs, and a malformed multipart body made it fail with a
 *   500, so a body of another type is refused with a 415;
 * - `admit` (the per-address connection limit) may refuse a request at once, so that a
 *   flood of joins from one address costs neither a seat reservation nor a WebSocket.
 */
export function guardMatchmakingRequests(server: HttpServer, admit: (req: IncomingMessage) => EarlyRefusal | null): void {
  const emit = server.emit.bind(server) as (event: string, ...args: unknown[]) => boolean;
  server.emit = ((event: string, ...args: unknown[]) => {
    if (event === 'request') {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      const refusal = req.method === 'POST' && req.url?.startsWith('/matchmake/') ? (bodyRefusal(req) ?? admit(req)) : null;
      if (refusal) {
        const body = JSON.stringify({ code: refusal.status, error: refusal.error });
        res.writeHead(refusal.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        req.resume();
        return true;
      }
    }
    return emit(event, ...args);
  }) as typeof server.emit;
}

function bodyRefusal(req: IncomingMessage): EarlyRefusal | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || type === 'application/json') return null;
  return { status: 415, error: `join options are JSON: send them with content-type application/json (got ${type ? `"${type.slice(0, 100)}"` : 'none'})` };
}
