/**
 * The embedded database's own thread: it owns the one SQLite connection, so its
 * synchronous calls (and the fsync of every commit) never block the server's event
 * loop. Written in erasable TypeScript with built-in modules only, so Node runs it
 * as is, whatever loader the main thread uses.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** One SQL statement with its parameters (already plain SQLite values). */
export interface WorkerStatement {
  sql: string;
  params: (string | number | bigint | null | Uint8Array)[];
}

/** A request: statements run in order; `atomic` wraps them in one transaction. */
export interface WorkerRequest {
  id: number;
  statements: WorkerStatement[];
  atomic: boolean;
}

export type WorkerReply =
  | { id: number; rows: Record<string, unknown>[][] }
  | { id: number; error: { message: string; code?: string; errcode?: number } };

export interface WorkerOptions {
  file: string;
}

const { file } = workerData as WorkerOptions;
const db = new DatabaseSync(file, { timeout: 5000 });
// WAL with synchronous=FULL: every commit is written to the log and fsynced before
// it returns, so an acknowledged event survives a killed process and an OS crash.
db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');

const cache = new Map<string, StatementSync>();
function prepare(sql: string): StatementSync {
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

function run(statements: WorkerStatement[]): Record<string, unknown>[][] {
  return statements.map((s) => prepare(s.sql).all(...s.params) as Record<string, unknown>[]);
}

parentPort!.on('message', (req: WorkerRequest | 'close') => {
  if (req === 'close') {
    db.close();
    parentPort!.postMessage('closed');
    return;
  }
  try {
    let rows: Record<string, unknown>[][];
    if (req.atomic) {
      db.exec('BEGIN IMMEDIATE');
      try {
        rows = run(req.statements);
        db.exec('COMMIT');
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
    } else rows = run(req.statements);
    parentPort!.postMessage({ id: req.id, rows } satisfies WorkerReply);
  } catch (err) {
    const e = err as Error & { code?: string; errcode?: number };
    parentPort!.postMessage({ id: req.id, error: { message: e.message, code: e.code, errcode: e.errcode } } satisfies WorkerReply);
  }
});
parentPort!.postMessage('ready');
