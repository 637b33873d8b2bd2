import pg from 'pg';
import { Redis } from 'ioredis';
import { need, POSTGRES, REDIS } from './requirements.ts';

/** The Postgres and Redis the store and several-processes tests use (CI starts both). */
export const TEST_DATABASE_URL = process.env.ARENA_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.ARENA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/5';

/** Why Postgres cannot be reached, or null when it answers. */
async function missingPostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return `Postgres at ${TEST_DATABASE_URL}: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Why Redis cannot be reached, or null when it answers. */
async function missingRedis(): Promise<string | null> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (err) {
    return `Redis at ${TEST_REDIS_URL}: ${(err as Error).message}`;
  } finally {
    redis.disconnect();
  }
}

/**
 * For a test that needs Postgres and Redis: null when both answer; otherwise why not, the
 * test left out and named in the summary — or an error when ARENA_REQUIRE_POSTGRES=1 or
 * ARENA_REQUIRE_REDIS=1 (CI) says they must be there.
 */
export async function servicesFor(test: string): Promise<string | null> {
  const pgMissing = await missingPostgres();
  const redisMissing = await missingRedis();
  // Both asked, so that the summary names each one that is missing.
  const pgOk = need(POSTGRES, test, pgMissing);
  const redisOk = need(REDIS, test, redisMissing);
  return pgOk && redisOk ? null : (pgMissing ?? redisMissing);
}

/** For a test that needs Postgres only (ARENA_REQUIRE_POSTGRES=1 makes its absence an error). */
export async function postgresFor(test: string): Promise<string | null> {
  const missing = await missingPostgres();
  return need(POSTGRES, test, missing) ? null : missing;
}

/** A Postgres schema of its own for one test, and the URL that uses it. */
export async function freshSchema(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await run(`CREATE SCHEMA ${name}`);
  return { url: `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${name}`)}`, drop: () => run(`DROP SCHEMA IF EXISTS ${name} CASCADE`) };
}

/** Calls a server's API with a bearer token; a non-2xx answer throws with its body. */
export async function apiAs(token: string, base: string, path: string, init: { method?: string; json?: unknown } = {}): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.json ? { 'content-type': 'application/json' } : {}) },
    ...(init.json ? { body: JSON.stringify(init.json) } : {}),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Polls `probe` until it gives something truthy, or fails naming what it waited for. */
export async function eventually<T>(what: string, probe: () => Promise<T | false | null | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
