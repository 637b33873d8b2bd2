import { startWorker } from '../workers/worker.ts';
import type { Sql } from './sql.ts';
import type { WorkerOptions, WorkerReply, WorkerRequest, WorkerStatement } from './sqlite-worker.ts';

/** An error from the database, with SQLite's code when it has one. */
export class SqliteError extends Error {
  override name = 'SqliteError';
  readonly code?: string;
  readonly errcode?: number;

  constructor(message: string, code?: string, errcode?: number) {
    super(message);
    this.code = code;
    this.errcode = errcode;
  }
}

/**
 * The store's SQL in SQLite's spelling: `$1` placeholders become `?1`, Postgres
 * column types their SQLite equivalents (JSON is kept as text, so a `::jsonb` cast
 * is dropped).
 */
export function toSqlite(text: string): string {
  return text
    .replace(/\$(\d+)/g, '?$1')
    .replace(/::jsonb\b/g, '')
    .replace(/\bjsonb\b/g, 'text')
    .replace(/\bdouble precision\b/g, 'real');
}

/** A JavaScript value as SQLite stores it: objects as JSON text, booleans as 0/1. */
function toParam(v: unknown): WorkerStatement['params'][number] {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || v instanceof Uint8Array) return v;
  return JSON.stringify(v);
}

/**
 * The embedded SQLite database, run in a worker thread. Requests are served one at
 * a time in order; a transaction holds the connection until it ends, so a query
 * from elsewhere waits instead of landing inside it.
 */
export async function openSqlite(file: string): Promise<Sql> {
  const waiting = new Map<number, { resolve: (rows: Record<string, unknown>[][]) => void; reject: (err: Error) => void }>();
  let failure: Error | null = null;
  let closed: (() => void) | null = null;
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const worker = startWorker(new URL('./sqlite-worker.ts', import.meta.url), { workerData: { file } satisfies WorkerOptions }, (m: WorkerReply | 'ready' | 'closed') => {
    if (m === 'ready') return ready();
    if (m === 'closed') return closed?.();
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if ('error' in m) w?.reject(new SqliteError(m.error.message, m.error.code, m.error.errcode));
    else w?.resolve(m.rows);
  });
  await Promise.race([started, new Promise<never>((_, reject) => worker.once('error', reject))]);
  worker.on('error', (err) => {
    failure = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  });

  let nextId = 0;
  const send = (statements: { text: string; params?: unknown[] }[], atomic: boolean) =>
    new Promise<Record<string, unknown>[][]>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = ++nextId;
      waiting.set(id, { resolve, reject });
      const req: WorkerRequest = {
        id,
        atomic,
        statements: statements.map((s) => ({ sql: toSqlite(s.text), params: (s.params ?? []).map(toParam) })),
      };
      worker.postMessage(req);
    });

  // One user of the connection at a time (a transaction spans several requests).
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = turn.then(work, work);
    turn = next.catch(() => {});
    return next;
  };

  const inside = (): Sql => ({
    kind: 'embedded',
    dialect: 'sqlite',
    query: async <T>(text: string, params?: unknown[]) => (await send([{ text, params }], false))[0] as T[],
    // Already inside a transaction: the statements join it.
    batch: (statements) => send(statements, false),
    transaction: (fn) => fn(inside()),
    close: async () => {},
  });

  return {
    kind: 'embedded',
    dialect: 'sqlite',
    query: <T>(text: string, params?: unknown[]) => exclusive(async () => (await send([{ text, params }], false))[0] as T[]),
    batch: (statements) => exclusive(() => send(statements, true)),
    transaction: (fn) =>
      exclusive(async () => {
        const tx = inside();
        await send([{ text: 'BEGIN IMMEDIATE' }], false);
        try {
          const result = await fn(tx);
          await send([{ text: 'COMMIT' }], false);
          return result;
        } catch (err) {
          await send([{ text: 'ROLLBACK' }], false).catch(() => {});
          throw err;
        }
      }),
    close: () =>
      exclusive(async () => {
        if (failure) return void (await worker.terminate());
        await new Promise<void>((resolve) => {
          closed = resolve;
          worker.postMessage('close');
        });
        await worker.terminate();
      }),
  };
}
