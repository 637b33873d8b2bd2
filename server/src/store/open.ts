import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { holdLock, StoreInUseError } from './lock.ts';
import { MemoryDebateStore } from './memory-debates.ts';
import { migrate } from './migrations.ts';
import { SqlDebateStore } from './sql-debates.ts';
import { postgresSql, type Sql } from './sql.ts';
import { openSqlite } from './sqlite.ts';
import type { DebateStore } from './store.ts';

export { StoreInUseError };

export interface StoreOptions {
  /** No database at all: the in-memory stores (tests); the other options are ignored. */
  memory?: boolean;
  /** A Postgres URL; when absent the embedded database is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database; absent for an in-memory one (tests). */
  dataDir?: string | undefined;
  /**
   * Hold the folder's server lock: one server process per embedded database. The
   * `arena` CLI opens without it and shares the database with a running server
   * (SQLite in WAL mode serves several processes).
   */
  exclusive?: boolean;
  /** Postgres schema to use (created if missing); lets tests share one database. */
  schema?: string | undefined;
}

/** The data folder holds something this version cannot open. */
export class StoreFormatError extends Error {
  override name = 'StoreFormatError';
}

/** The embedded database's file inside its folder. */
export const DATABASE_FILE = 'arena.sqlite';
const LOCK_FILE = 'server.lock';

/**
 * Opens the database and brings its schema up to date: Postgres when a URL is given,
 * else SQLite in `dataDir` (or in memory). Closing it twice closes it once.
 */
export async function openSql(options: StoreOptions): Promise<Sql> {
  let sql: Sql;
  if (options.databaseUrl) {
    const schema = options.schema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    sql = postgresSql(pool);
  } else if (options.dataDir) {
    const dataDir = options.dataDir;
    if (existsSync(join(dataDir, 'PG_VERSION'))) {
      throw new StoreFormatError(
        `${dataDir} holds a database in the old embedded format (PGlite), which this version no longer reads. ` +
          `Copy its debates into the new format with \`npx arena store upgrade ${dataDir}\` (the old folder is kept as ${dataDir}.pglite), ` +
          'or move the folder aside to start empty.',
      );
    }
    // Readable by the server's user only; SQLite gives its -wal and -shm files the database file's mode.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, DATABASE_FILE);
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    const unlock = options.exclusive ? holdLock(join(dataDir, LOCK_FILE), `the embedded database in ${dataDir}`) : () => {};
    try {
      const opened = await openSqlite(file);
      sql = { ...opened, close: async () => (await opened.close(), unlock()) };
    } catch (err) {
      unlock();
      throw err;
    }
  } else {
    sql = await openSqlite(':memory:');
  }
  try {
    await migrate(sql);
  } catch (err) {
    await sql.close().catch(() => {});
    throw err;
  }
  let closing: Promise<void> | null = null;
  return { ...sql, close: () => (closing ??= sql.close()) };
}

/** Opens the debate store alone (the CLI, benchmarks): see openSql, or in memory with `memory`. */
export async function openStore(options: StoreOptions): Promise<DebateStore> {
  return options.memory ? new MemoryDebateStore() : new SqlDebateStore(await openSql(options));
}
