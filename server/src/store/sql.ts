import type { Pool, PoolClient } from 'pg';

/** One statement of a batch. */
export interface Statement {
  text: string;
  params?: unknown[];
}

/**
 * The narrow SQL surface the store needs, over either the embedded SQLite database
 * (in its own thread) or a real Postgres server. Statements are written once, in
 * the subset both understand, with `$1` placeholders; the SQLite side translates the
 * few spellings that differ (see toSqlite), and the store branches on `dialect` only
 * where one statement cannot serve both.
 */
export interface Sql {
  /** What the health check reports. */
  readonly kind: 'embedded' | 'postgres';
  readonly dialect: 'sqlite' | 'postgres';
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs the statements in order in one transaction; the rows of each. */
  batch(statements: Statement[]): Promise<Record<string, unknown>[][]>;
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A JSON column's value: Postgres returns it parsed, SQLite as text. */
export function jsonColumn<T>(v: T | string): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}

export function postgresSql(pool: Pool): Sql {
  const onClient = (client: PoolClient): Sql => ({
    kind: 'postgres',
    dialect: 'postgres',
    async query<T>(text: string, params?: unknown[]) {
      return (await client.query(text, params)).rows as T[];
    },
    async batch(statements) {
      const out: Record<string, unknown>[][] = [];
      for (const s of statements) out.push((await client.query(s.text, s.params)).rows);
      return out;
    },
    transaction: (fn) => fn(onClient(client)),
    close: async () => {},
  });
  const transaction = async <T>(fn: (tx: Sql) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(onClient(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };
  return {
    kind: 'postgres',
    dialect: 'postgres',
    async query<T>(text: string, params?: unknown[]) {
      return (await pool.query(text, params)).rows as T[];
    },
    batch: (statements) => transaction((tx) => tx.batch(statements)),
    transaction,
    close: () => pool.end(),
  };
}
