/**
 * Two server processes sharing Redis (matchmaking, presence, session leases) and
 * Postgres (the store): a debate created through one is joined through both and played;
 * the process that owns it is killed, and the debate carries on in the other once its
 * clients reconnect. Needs Redis and Postgres: ARENA_REQUIRE_POSTGRES=1 or
 * ARENA_REQUIRE_REDIS=1 (CI sets both) makes their absence a failure instead of a skip.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { DebateView } from '@arena/shared';
import { SeatClient } from '../helpers/arena.ts';
import { startTwoProcesses, type TwoProcesses } from '../helpers/cluster.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { apiAs, servicesFor, TEST_REDIS_URL } from '../helpers/services.ts';

const TOKEN = 'cluster-researcher-token-0123456789';
const missing = await servicesFor('the cluster test');

const clients: SeatClient[] = [];
let cluster: TwoProcesses | undefined;

afterAll(async () => {
  await Promise.all(clients.map((c) => c.leave().catch(() => {})));
  await cluster?.stop('SIGKILL');
});

const api = (base: string, path: string, init: { method?: string; json?: unknown } = {}) => apiAs(TOKEN, base, path, init);

/** Joins a seat through a process, trying again while the debate has no live owner yet. */
async function join(server: ServerProcess, debateId: string, seat: 'A' | 'B' | 'judge', token: string, ms = 40_000): Promise<SeatClient> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const c = await SeatClient.join(server.ws, { debateId, seat, token });
      clients.push(c);
      return c;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const judgeTurn = (v: DebateView, end: boolean) => ({ type: 'judge', probabilities: v.answers.map((_, i) => (i === 0 ? 0.6 : 0.4 / (v.answers.length - 1))), end });

describe.skipIf(!!missing)('several processes with Redis and Postgres', () => {
  it('a debate created through one process is joined through both, survives the death of its owner, and reaches its verdict', async () => {
    // The lobby's per-address counts live in Redis: start from none (an earlier run's last 10 minutes).
    const redis = new Redis(TEST_REDIS_URL);
    const stale = await redis.keys('arena:limit:*');
    if (stale.length) await redis.del(...stale);
    redis.disconnect();
    cluster = await startTwoProcesses('cluster', 24_000, TOKEN, { ARENA_RECONNECT_SECONDS: '1', ARENA_LOBBY_CREATE_LIMIT: '2' });
    const { one, two } = cluster;

    // Anonymous creations from one address count once across the processes: two through the first, then the second refuses.
    const anonymous = (server: ServerProcess) =>
      fetch(`${server.http}/api/debates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenarioId: 'the-lantern-room', preset: 'debate' }) });
    expect((await anonymous(one)).status).toBe(201);
    expect((await anonymous(one)).status).toBe(201);
    const refused = await anonymous(two);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { code: string }).code).toBe('rate-limited');

    const created = await api(one.http, '/api/debates', { method: 'POST', json: { scenarioId: 'the-lantern-room', preset: 'debate' } });
    // The judge comes in through the first process, the debaters through the second: one debate, one room.
    const judge = await join(one, created.id, 'judge', created.seats.judge.token);
    const a = await join(two, created.id, 'A', created.seats.A.token);
    const b = await join(two, created.id, 'B', created.seats.B.token);
    await judge.myTurn();
    await judge.act(judgeTurn(judge.view, false));
    await a.myTurn();
    await a.act({ type: 'speech', text: 'Opening from A, through the second process.' });
    await b.act({ type: 'speech', text: 'Opening from B, through the second process.' });
    await judge.until((c) => c.view.rounds[1]?.complete === true && c.view.legal.length > 0, 'the opening round');
    expect(JSON.stringify(judge.view)).toContain('Opening from A');
    // Either process answers the API about it.
    expect((await api(two.http, `/api/debates/${created.id}`)).status).toBe('running');

    // The owner dies (the session lives where its room is).
    const owner = [one, two].find((s) => judge.room.connection && s.port === Number(new URL((judge.room as unknown as { connection: { transport: { ws: WebSocket } } }).connection.transport.ws.url).port))!;
    const survivor = owner === one ? two : one;
    await owner.kill('SIGKILL');
    for (const c of [judge, a, b]) await c.leave();

    // Everyone rejoins through the survivor, which takes the debate over from its stored events.
    const judge2 = await join(survivor, created.id, 'judge', created.seats.judge.token);
    const a2 = await join(survivor, created.id, 'A', created.seats.A.token);
    const b2 = await join(survivor, created.id, 'B', created.seats.B.token);
    await judge2.myTurn();
    expect(JSON.stringify(judge2.view)).toContain('Opening from B');
    await judge2.act(judgeTurn(judge2.view, false));
    for (const seat of judge2.view.speakingOrder) {
      const d = seat === 'A' ? a2 : b2;
      await d.myTurn();
      await d.act({ type: 'speech', text: `After the takeover, ${seat}.` });
    }
    await judge2.myTurn();
    await judge2.act(judgeTurn(judge2.view, true));
    await judge2.until((c) => c.view.status === 'finished', 'the verdict');
    const record = await api(survivor.http, `/api/debates/${created.id}/transcript?seat=full`);
    expect(record.status).toBe('finished');
    // Nothing from before the crash was lost, and seq numbers run on without a gap.
    expect(record.events.map((e: { seq: number }) => e.seq)).toEqual(record.events.map((_: unknown, i: number) => i));
    expect(JSON.stringify(record.events)).toContain('Opening from A');
  }, 120_000);
});
