/**
 * Remote agents with two server processes sharing Redis and Postgres: a debate served
 * by one process is played by agents connected to either; a key revoked through one
 * process cuts the agent off in the other. Needs Redis and Postgres like cluster.test.ts
 * (ARENA_REQUIRE_POSTGRES=1 or ARENA_REQUIRE_REDIS=1 makes their absence a failure).
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { startPythonAgent, startTsAgent, type AgentProcess } from '../helpers/agent-process.ts';

const DATABASE = process.env.ARENA_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS = process.env.ARENA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/5';
const TOKEN = 'cluster-agents-token-0123456789';

async function available(): Promise<string | null> {
  try {
    const client = new pg.Client({ connectionString: DATABASE, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  } catch (err) {
    return `Postgres at ${DATABASE}: ${(err as Error).message}`;
  }
  const redis = new Redis(REDIS, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    return `Redis at ${REDIS}: ${(err as Error).message}`;
  } finally {
    redis.disconnect();
  }
  return null;
}

const missing = await available();
if (missing && (process.env.ARENA_REQUIRE_POSTGRES === '1' || process.env.ARENA_REQUIRE_REDIS === '1')) throw new Error(`the cluster agents test needs ${missing}`);
if (missing) console.warn(`cluster agents test skipped: ${missing}`);

const servers: ServerProcess[] = [];
const agents: AgentProcess[] = [];
const schema = `cluster_agents_${process.pid}_${Date.now()}`;

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  for (const s of servers) await s.kill('SIGTERM');
  if (missing) return;
  const client = new pg.Client({ connectionString: DATABASE });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

async function api(base: string, path: string, init: { method?: string; json?: unknown } = {}): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${TOKEN}`, ...(init.json ? { 'content-type': 'application/json' } : {}) },
    ...(init.json ? { body: JSON.stringify(init.json) } : {}),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

describe.skipIf(!!missing)('remote agents with several processes', () => {
  it('agents connected to either process play a debate served by one; a revocation through one reaches the other; a restarted process is rejoined', async () => {
    const db = new pg.Client({ connectionString: DATABASE });
    await db.connect();
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.end();
    const databaseUrl = `${DATABASE}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const base = 28_000 + (process.pid % 2000) * 2;
    const env = (port: number) => ({
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: REDIS,
      ARENA_PUBLIC_ADDRESS: `127.0.0.1:${port}`,
      ARENA_RESEARCHER_TOKEN: TOKEN,
      ARENA_AGENT_SECONDS: '20',
      ARENA_DATA_DIR: `/tmp/arena-cluster-agents-${process.pid}-${port}`,
    });
    const one = await startServerProcess(env(base));
    const two = await startServerProcess(env(base + 1));
    servers.push(one, two);

    // Keys issued through the first process are good in the second.
    const ts = await api(one.http, '/api/agents/keys', { method: 'POST', json: { name: 'far-ts' } });
    const py = await api(one.http, '/api/agents/keys', { method: 'POST', json: { name: 'near-py' } });
    const far = startTsAgent(two.http, 'far-ts', ts.key);
    const near = startPythonAgent(one.http, 'near-py', py.key);
    agents.push(far, near);
    await Promise.all([far, near].map((a) => a.until((e) => e.event === 'welcome', 'welcome', 30_000)));
    // Each process knows the other's connected names (announced over Redis).
    await expect.poll(async () => (await api(one.http, '/api/agents')).agents.find((a: any) => a.id === 'remote:far-ts')?.connected, { timeout: 15_000 }).toBe(true);

    const created = await api(one.http, '/api/debates', {
      method: 'POST',
      json: {
        scenarioId: 'the-quiet-relay',
        seats: { A: { kind: 'agent', agent: 'remote:far-ts' }, B: { kind: 'agent', agent: 'remote:near-py' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
      },
    });
    let record: any;
    await expect
      .poll(async () => (record = await api(two.http, `/api/debates/${created.id}/transcript?seat=full`)).status, { timeout: 60_000, interval: 250 })
      .toBe('finished');
    const speeches = (seat: string) => record.events.filter((e: any) => e.seat === seat && e.action.type === 'speech');
    expect(speeches('A').length).toBeGreaterThan(0);
    expect(speeches('A').every((e: any) => e.meta.remote?.model === 'ts-test')).toBe(true);
    expect(speeches('B').every((e: any) => e.meta.remote?.model === 'python-example')).toBe(true);
    expect(record.events.some((e: any) => e.action.type === 'forfeit')).toBe(false);

    // Revoked through the first process: the agent connected to the second is cut off.
    await api(one.http, `/api/agents/keys/${ts.id}`, { method: 'DELETE' });
    expect(await far.until((e) => e.event === 'disconnected', 'disconnect', 15_000)).toMatchObject({ reason: 'io server disconnect', closing: { code: 'key-revoked' } });

    // A server that stops and comes back: the Python agent reconnects by itself.
    await one.kill('SIGTERM');
    servers.push(await startServerProcess(env(base)));
    await near.until((e) => e.event === 'welcome' && near.events.filter((x) => x.event === 'welcome').length >= 2, 'welcome again', 30_000);
  }, 180_000);
});
