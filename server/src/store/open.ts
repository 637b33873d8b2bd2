import { mkdirSync } from 'node:fs';
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
  } else {
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
    store = new Store(pgliteSql(db));
  }
  await store.migrate();
  return store;
}
