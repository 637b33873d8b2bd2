import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { pgliteSql, postgresSql } from './sql.ts';
import { Store } from './store.ts';

export interface StoreOptions {
  /** A Postgres URL; when absent the embedded database is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database; absent for an in-memory one (tests). */
  dataDir?: string | undefined;
  /** Postgres schema to use (created if missing); lets tests share one database. */
  schema?: string | undefined;
}

export class StoreInUseError extends Error {
  override name = 'StoreInUseError';
}

/**
 * The embedded database has one user at a time: a second process opening the same
 * folder would corrupt it. A lock file beside the folder holds the owner's pid; a lock
 * left by a process that is gone is taken over.
 */
function lockFolder(dataDir: string): () => void {
  const file = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new StoreInUseError(
          `the embedded database in ${dataDir} is in use by process ${pid}${pid === process.pid ? ' (this one)' : ''}: ` +
            'stop that process (a running server?) first, or let both use one Postgres server through DATABASE_URL',
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new StoreInUseError(`could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Opens the store and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  let store: Store;
  if (options.databaseUrl) {
    const schema = options.schema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    store = new Store(postgresSql(pool));
  } else if (options.dataDir) {
    const dataDir = options.dataDir;
    mkdirSync(dataDir, { recursive: true });
    const unlock = lockFolder(dataDir);
    try {
      const db = await PGlite.create(dataDir);
      const sql = pgliteSql(db);
      store = new Store({ ...sql, close: async () => (await sql.close(), unlock()) });
    } catch (err) {
      unlock();
      throw err;
    }
  } else {
    store = new Store(pgliteSql(await PGlite.create()));
  }
  await store.migrate();
  return store;
}
