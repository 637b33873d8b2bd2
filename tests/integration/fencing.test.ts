/**
 * Split brain between two real processes on Redis and Postgres: the owner of two live
 * debates is stopped (SIGSTOP) past its lease, the other process takes both over, and
 * the stopped one is resumed (SIGCONT) while its old clients' speeches wait in its
 * sockets. In one debate the new owner has already stored the next event; in the other
 * nothing was stored since the takeover. In both, the stale process stores and
 * acknowledges nothing, its clients are sent to join again, and the debates reach their
 * verdicts through the new owner with one history each. Needs Redis and Postgres
 * (ARENA_REQUIRE_POSTGRES=1 or ARENA_REQUIRE_REDIS=1 makes their absence a failure).
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CLIENT_MESSAGE, type DebateView } from '@arena/shared';
import { SeatClient } from '../helpers/arena.ts';
import { startTwoProcesses, type TwoProcesses } from '../helpers/cluster.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { apiAs, eventually, servicesFor, TEST_REDIS_URL } from '../helpers/services.ts';

const TOKEN = 'fencing-researcher-token-0123456789';
const missing = await servicesFor('the fencing test');

const clients: SeatClient[] = [];
let cluster: TwoProcesses | undefined;
const redis = missing ? null : new Redis(TEST_REDIS_URL);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.leave().catch(() => {})));
  await cluster?.stop('SIGKILL');
  redis?.disconnect();
});

const api = (base: string, path: string, init: { method?: string; json?: unknown } = {}) => apiAs(TOKEN, base, path, init);

async function join(server: ServerProcess, debateId: string, seat: 'A' | 'B' | 'judge', token: string): Promise<SeatClient> {
  const c = await eventually(`seat ${seat} of ${debateId} through port ${server.port}`, async () => {
    try {
      return await SeatClient.join(server.ws, { debateId, seat, token });
    } catch {
      return null;
    }
  }, 40_000);
  clients.push(c);
  await c.until((x) => x.views.length > 0, 'its first view');
  return c;
}

const judgeTurn = (v: DebateView, end: boolean) => ({ type: 'judge', probabilities: v.answers.map((_, i) => (i === 0 ? 0.6 : 0.4 / (v.answers.length - 1))), end });
const owner = (id: string) => redis!.get(`arena:session:${id}`);
const stored = async (base: string, id: string) => (await api(base, `/api/debates/${id}/transcript?seat=full`)) as { status: string; events: { seq: number; seat: string; action: { type: string; text?: string } }[] };

describe.skipIf(!!missing)('fencing between processes', () => {
  it('a stalled owner that wakes after a takeover stores and acknowledges nothing, and no debate is stuck', async () => {
    cluster = await startTwoProcesses('fencing', 26_000, TOKEN, { ARENA_LEASE_SECONDS: '2', ARENA_RECONNECT_SECONDS: '1' });
    const { one, two } = cluster;
    // Both debates are created through the first process, which takes their sessions.
    const rules = { speechSeconds: 600, judgeSeconds: 600 };
    const debates = [
      await api(one.http, '/api/debates', { method: 'POST', json: { scenarioId: 'the-lantern-room', preset: 'debate', rules } }),
      await api(one.http, '/api/debates', { method: 'POST', json: { scenarioId: 'the-lantern-room', preset: 'debate', rules } }),
    ];
    const seated = [];
    for (const d of debates) {
      const judge = await join(one, d.id, 'judge', d.seats.judge.token);
      const a = await join(one, d.id, 'A', d.seats.A.token);
      const b = await join(one, d.id, 'B', d.seats.B.token);
      await judge.myTurn();
      await judge.act(judgeTurn(judge.view, false));
      await a.myTurn();
      seated.push({ d, judge, a, b });
    }
    const stale = one;
    const before = await Promise.all(debates.map((d) => owner(d.id)));
    expect(before[0]).not.toBeNull();

    // How each debater A's connection to the stale process ends, watched from now on.
    const leftCodes = seated.map((s) => new Promise<number>((resolve) => s.a.room.onLeave((code) => resolve(code))));
    stale.child.kill('SIGSTOP');
    try {
      // The lease runs out and the other process takes both debates over.
      await eventually('the takeover of both debates', async () => (await Promise.all(debates.map((d) => owner(d.id)))).every((o, i) => o !== null && o !== before[i]), 30_000);
      // First debate: the new owner stores the next event (B's opening) before the stale one wakes.
      const [first, second] = seated;
      const b2 = await join(two, first!.d.id, 'B', first!.d.seats.B.token);
      await b2.myTurn();
      await b2.act({ type: 'speech', text: 'B through the new owner.' });
      expect((await stored(two.http, first!.d.id)).events.map((e) => e.seq)).toEqual([0, 1, 2]);
      // Meanwhile A speaks in both debates through the stalled process: the frames wait in its sockets.
      for (const s of [first!, second!]) s.a.send(CLIENT_MESSAGE.action, { type: 'speech', text: 'A through the stale owner.' });
    } finally {
      stale.child.kill('SIGCONT');
    }

    // The stale process wakes: its clients are sent away (or refused), and nothing of theirs is stored.
    for (const [i, s] of seated.entries()) {
      const outcome = await Promise.race([leftCodes[i]!.then((code) => `left ${code}`), s.a.until((c) => c.refusals.length > 0, 'a refusal', 20_000).then(() => 'refused')]);
      expect(outcome).toMatch(/left 4001|refused/);
      // No acknowledgement: A's view never showed its stale speech.
      expect(JSON.stringify(s.a.views)).not.toContain('through the stale owner');
    }
    for (const s of seated) {
      const record = await stored(two.http, s.d.id);
      expect(JSON.stringify(record.events)).not.toContain('through the stale owner');
    }
    expect((await stored(two.http, seated[0]!.d.id)).events.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect((await stored(two.http, seated[1]!.d.id)).events.map((e) => e.seq)).toEqual([0, 1]);

    // Everyone joins again (through either process: they land on the owner) and both debates reach a verdict.
    for (const [i, s] of seated.entries()) {
      const via = i === 0 ? stale : two;
      const judge = await join(via, s.d.id, 'judge', s.d.seats.judge.token);
      const a = await join(via, s.d.id, 'A', s.d.seats.A.token);
      const b = await join(via, s.d.id, 'B', s.d.seats.B.token);
      await a.myTurn();
      await a.act({ type: 'speech', text: 'A after the takeover.' });
      if (i === 1) {
        await b.myTurn();
        await b.act({ type: 'speech', text: 'B after the takeover.' });
      }
      await judge.myTurn();
      await judge.act(judgeTurn(judge.view, true));
      await judge.until((c) => c.view.status === 'finished', 'the verdict');
      const record = await stored(two.http, s.d.id);
      expect(record.status).toBe('finished');
      expect(record.events.map((e) => e.seq)).toEqual(record.events.map((_, k) => k));
      expect(record.events.filter((e) => e.action.type === 'speech').map((e) => e.action.text)).toEqual(
        i === 0 ? ['B through the new owner.', 'A after the takeover.'] : ['A after the takeover.', 'B after the takeover.'],
      );
    }
  }, 180_000);
});
