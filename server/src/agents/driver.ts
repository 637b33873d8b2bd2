import type { ClientAction, DebateView, Refusal, Seat } from '@arena/shared';
import { InvalidReply, type Agent, type AgentReply } from './agent.ts';

/** How the driver reaches the engine: submit an action, get null (accepted) or the refusal. */
export type Submit = (action: ClientAction, meta: Record<string, unknown>) => Refusal | null | Promise<Refusal | null>;

export interface DriveOptions {
  /** The agent's whole budget for this turn, ms (every attempt and retry included); Infinity for none. */
  timeoutMs: number;
  /** Retries of transient errors (network, 429, 5xx) per attempt. Default 3. */
  retries?: number;
  /** First backoff, ms, doubled each retry (a server's Retry-After wins when shorter than the budget). Default 250. */
  backoffMs?: number;
  /** Cancels the turn from outside (the room closed, the deadline moved). */
  signal?: AbortSignal;
  /** Receives one line per retry, refusal or failure. */
  log?: (line: string) => void;
  /** Injected for tests of timing; defaults to a real timer that honours the abort signal. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Why an agent's turn failed (kept as `failureCode` in the forfeit's meta, beside the
 * reason for people): two refused answers, the turn's budget ran out, the turn was
 * cancelled from outside, or the agent failed otherwise (an error that is not retried).
 */
export type FailureCode = 'refused-twice' | 'timeout' | 'cancelled' | 'error';

export type DriveResult =
  | { ok: true; action: ClientAction; meta: Record<string, unknown> }
  | { ok: false; code: FailureCode; reason: string; meta: Record<string, unknown> };

class TurnTimeout extends Error {
  constructor(ms: number) {
    super(`no valid action within ${ms} ms`);
    this.name = 'TurnTimeout';
  }
}

/** Whether an error is worth retrying: rate limits, server errors, dropped connections. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // The SDKs' error classes do not set `name`; their class names tell them apart.
  const kind = `${err.name} ${err.constructor?.name ?? ''}`;
  // Our own deadline or a cancellation is final; an SDK's per-request timeout is not.
  if (err instanceof TurnTimeout || err instanceof InvalidReply || /Abort/.test(kind)) return false;
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number') return status === 408 || status === 409 || status === 429 || status >= 500;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)$/.test(code)) return true;
  if (/APIConnection(Timeout)?Error|ConnectionError|FetchError/.test(kind)) return true;
  return /fetch failed|socket hang up|network/i.test(err.message);
}

/** Milliseconds a server asked us to wait (Retry-After, seconds or a date), if any. */
function retryAfterMs(err: unknown): number | null {
  const headers = (err as { headers?: unknown }).headers;
  let value: string | null | undefined;
  if (headers instanceof Headers) value = headers.get('retry-after');
  else if (headers && typeof headers === 'object') value = (headers as Record<string, string | undefined>)['retry-after'];
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `fn`, but settles no later than the signal's abort (an agent that ignores it cannot hang us). */
function raceAbort<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    fn().then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

const describe = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * Asks an agent for its seat's action and hands it to the engine, within the rules:
 * - the agent sees only `getView()` (its seat's viewFor) and the legal actions in it;
 * - the whole turn has `timeoutMs`; the agent's AbortSignal fires when it runs out, and
 *   the driver returns a failure then even if the agent never settles;
 * - transient errors (network, 429, 5xx) are retried with exponential backoff;
 * - if the engine refuses the action, the agent is asked once more, told the refusal;
 * - a second refusal, a permanent error or the timeout gives `{ ok: false, reason }`:
 *   the caller then follows the rules' expiry path (the engine's system `timeout` at the
 *   deadline) and keeps `reason` in that event's meta.
 * Used by live rooms and by batch self-play alike.
 */
export async function actWithRules(agent: Agent, getView: () => DebateView, seat: Seat, submit: Submit, options: DriveOptions): Promise<DriveResult> {
  const started = Date.now();
  const controller = new AbortController();
  // setTimeout fires at once for delays past 2^31 − 1 ms (or Infinity): clamp to ~24.8 days.
  const budget = Number.isFinite(options.timeoutMs) ? Math.max(0, Math.min(options.timeoutMs, 2_147_483_647)) : 2_147_483_647;
  const timer = setTimeout(() => controller.abort(new TurnTimeout(options.timeoutMs)), budget);
  const onOuterAbort = () => controller.abort(options.signal?.reason ?? new Error('the turn was cancelled'));
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = controller.signal;
  const deadline = Number.isFinite(options.timeoutMs) ? started + budget : undefined;
  const sleep = options.sleep ?? abortableSleep;
  const maxRetries = options.retries ?? 3;
  const backoff = options.backoffMs ?? 250;
  const log = options.log ?? (() => {});
  const meta: Record<string, unknown> = { agent: agent.id, seat };
  const errors: string[] = [];
  let retries = 0;
  let refusal: Refusal | undefined;

  const ask = async (): Promise<AgentReply> => {
    for (let attempt = 0; ; attempt++) {
      const view = getView();
      try {
        return await raceAbort(() => agent.act({ view, legal: view.legal, signal, ...(deadline ? { deadline } : {}), ...(refusal ? { refusal } : {}) }), signal);
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (!isTransient(err) || attempt >= maxRetries) throw err;
        retries++;
        const wait = Math.min(retryAfterMs(err) ?? backoff * 2 ** attempt, 30_000);
        errors.push(describe(err));
        log(`${agent.id} (${seat}): ${describe(err)}; retry ${attempt + 1} in ${wait} ms`);
        await sleep(wait, signal);
      }
    }
  };

  try {
    for (let round = 0; round < 2; round++) {
      let submitted: Refusal | null;
      try {
        const reply = await ask();
        Object.assign(meta, reply.meta ?? {});
        const eventMeta = { ...meta, ...(retries ? { retries, errors: [...errors] } : {}), ...(refusal ? { refusedOnce: refusal } : {}), latencyMs: Date.now() - started };
        submitted = await submit(reply.action, eventMeta);
        if (submitted === null) return { ok: true, action: reply.action, meta: eventMeta };
      } catch (err) {
        // An answer that could not be read counts as a refused one: one more try.
        if (!(err instanceof InvalidReply) || signal.aborted) throw err;
        submitted = err.refusal;
      }
      log(`${agent.id} (${seat}): refused (${submitted.code}): ${submitted.message}`);
      if (refusal) {
        return fail('refused-twice', `refused twice: ${refusal.message}; then ${submitted.message}`);
      }
      refusal = submitted;
    }
    return fail('error', 'unreachable');
  } catch (err) {
    if (signal.aborted && signal.reason instanceof TurnTimeout) return fail('timeout', signal.reason.message);
    return fail(signal.aborted ? 'cancelled' : 'error', describe(err));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }

  function fail(code: FailureCode, reason: string): DriveResult {
    log(`${agent.id} (${seat}): failed: ${reason}`);
    return { ok: false, code, reason, meta: { ...meta, failure: reason, failureCode: code, ...(retries ? { retries, errors } : {}), latencyMs: Date.now() - started } };
  }
}
