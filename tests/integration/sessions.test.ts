import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebateView } from '@arena/shared';
import { RESEARCHER_TOKEN, startArena, type SeatClient, type TestArena } from '../helpers/arena.ts';
import { eventually } from '../helpers/services.ts';

let t: TestArena;
const scenarioId = 'the-lantern-room';

beforeAll(async () => {
  t = await startArena({ env: { ARENA_WAITING_SECONDS: '2', ARENA_RECONNECT_SECONDS: '1' } });
});
afterAll(() => t.close());

const stored = async (id: string) => (await t.store.getTranscript(id))!;

const judgeTurn = (v: DebateView, end = false) => ({ type: 'judge', probabilities: v.answers.map(() => 1 / v.answers.length), end });

describe('a debate as a service', () => {
  it('an all-agent debate created over HTTP reaches a stored verdict with no client connected', async () => {
    const created = await t.createDebate({
      scenarioId,
      preset: 'debate',
      seats: {
        A: { kind: 'agent', agent: 'builtin:passage-debater' },
        B: { kind: 'agent', agent: 'builtin:passage-debater' },
        judge: { kind: 'agent', agent: 'builtin:passage-judge' },
      },
    });
    const record = await eventually('the verdict', async () => {
      const r = await stored(created.id);
      return r.status === 'finished' && r;
    });
    expect(record.verdict).not.toBeNull();
    expect(record.events.filter((e) => e.action.type === 'speech').length).toBeGreaterThanOrEqual(2);
  });

  it('a debate whose clients all leave still advances on its timers, turn by turn, to its end', async () => {
    const created = await t.createDebate({ scenarioId, preset: 'debate', rules: { speechSeconds: 0.4, judgeSeconds: 0.4 } });
    const clients: SeatClient[] = [];
    for (const seat of ['A', 'B', 'judge'] as const) clients.push(await t.join({ debateId: created.id, seat, token: created.seats[seat]!.token! }));
    await clients[2]!.myTurn();
    for (const c of clients) await c.leave();
    const record = await eventually('the timed-out debate to end', async () => {
      const r = await stored(created.id);
      return r.status === 'finished' && r;
    });
    // Every turn expired through the engine: the judge's rounds as timeouts, the speeches as empty timed-out ones.
    expect(record.events.filter((e) => e.action.type === 'timeout').length).toBeGreaterThanOrEqual(4);
    expect(record.verdict?.continues).toBeGreaterThan(0);
  });

  it('a debate nobody joins expires with a recorded reason, is listed as ended and left out of results', async () => {
    const created = await t.createDebate({ scenarioId, preset: 'consultancy' });
    const record = await eventually('the expiry', async () => {
      const r = await stored(created.id);
      return r.status === 'ended' && r;
    }, 10_000);
    const last = record.events.at(-1)!;
    expect(last.action).toMatchObject({ type: 'abandon' });
    expect((last.action as { reason: string }).reason).toMatch(/^expired/);
    const listed = await t.api(`/api/debates?status=ended`);
    expect(listed.body.debates.map((d: { id: string }) => d.id)).toContain(created.id);
    expect((await t.api(`/api/debates/${created.id}`)).body.outcome).toBeNull();
    // Joining an ended debate shows that it ended, and why.
    const late = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    await late.until((c) => c.views.length > 0, 'a view');
    expect(late.view).toMatchObject({ status: 'ended', endReason: expect.stringMatching(/^expired/) });
  });

  it('a researcher cancels an unfinished debate with a reason; nobody else can', async () => {
    const created = await t.createDebate({ scenarioId, preset: 'debate' });
    const judge = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    expect((await t.api(`/api/debates/${created.id}/cancel`, { method: 'POST', json: { reason: 'x' } })).status).toBe(401);
    expect((await t.api(`/api/debates/${created.id}/cancel`, { method: 'POST', json: { reason: 'x' }, token: created.seats.judge!.token })).status).toBe(401);
    const res = await t.api(`/api/debates/${created.id}/cancel`, { method: 'POST', json: { reason: 'the scenario had a typo' }, token: RESEARCHER_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ended');
    await judge.until((c) => c.views.at(-1)?.status === 'ended', 'the cancellation');
    expect(judge.view.endReason).toBe('cancelled: the scenario had a typo');
    const again = await t.api(`/api/debates/${created.id}/cancel`, { method: 'POST', json: {}, token: RESEARCHER_TOKEN });
    expect(again.status).toBe(409);
  });
});

describe('connections to a session', () => {
  it('a flood gets typed rate-limited refusals; the seat is kept and nothing within the limit is lost', async () => {
    const created = await t.createDebate({ scenarioId, preset: 'debate' });
    const judge = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    for (const seat of ['A', 'B'] as const) await t.join({ debateId: created.id, seat, token: created.seats[seat]!.token! });
    await judge.myTurn();
    for (let i = 0; i < 40; i++) judge.send('sync', {});
    await judge.until((c) => c.refusals.some((r) => r.code === 'rate-limited'), 'a rate-limited refusal');
    expect(judge.refusals.find((r) => r.code === 'rate-limited')!.message).not.toMatch(/try again/);
    await new Promise((r) => setTimeout(r, 1100));
    // Still seated: the judge's turn goes through once the second has passed.
    await judge.act(judgeTurn(judge.view));
    expect((await stored(created.id)).events.some((e) => e.seat === 'judge')).toBe(true);
  });

  it('a dropped tab that comes back after a newer tab took its seat is closed: one live connection per seat', async () => {
    const created = await t.createDebate({ scenarioId, preset: 'debate' });
    const token = created.seats.judge!.token!;
    const old = await t.join({ debateId: created.id, seat: 'judge', token });
    for (const seat of ['A', 'B'] as const) await t.join({ debateId: created.id, seat, token: created.seats[seat]!.token! });
    await old.myTurn();
    const closed = new Promise<number>((resolve) => old.room.onLeave((code) => resolve(code)));
    // The old tab's socket drops; before it reconnects, a new tab takes the seat.
    (old.room.connection as unknown as { transport: { ws: WebSocket } }).transport.ws.close();
    const fresh = await t.join({ debateId: created.id, seat: 'judge', token });
    await fresh.myTurn();
    expect(await closed).toBe(4000);
    await fresh.act(judgeTurn(fresh.view));
    expect(fresh.refusals).toHaveLength(0);
    const events = (await stored(created.id)).events.filter((e) => e.seat === 'judge');
    expect(events).toHaveLength(1);
  });

  it('live debates over one scenario share its passage, scenario, rules and seat plan: one copy, however many debates', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await t.createDebate({ scenarioId, preset: 'debate', seed: `shared-${i}` })).id);
    const states = await Promise.all(ids.map(async (id) => (await t.arena.services.sessions.get(id))!.state));
    const [a, b, c] = states.map((s) => s.header);
    expect(b!.scenario).toBe(a!.scenario);
    expect(c!.scenario).toBe(a!.scenario);
    expect(b!.rules).toBe(a!.rules);
    expect(b!.seats).toBe(a!.seats);
    // Each debate keeps its own id, seed and (when the seed draws another) assignment.
    expect(new Set(states.map((s) => s.header.id)).size).toBe(3);
    expect(new Set(states.map((s) => s.header.seed)).size).toBe(3);
    // A debate over another scenario does not share it.
    const other = await t.createDebate({ scenarioId: 'letters-from-osk-farm', preset: 'debate' });
    const otherHeader = (await t.arena.services.sessions.get(other.id))!.state.header;
    expect(otherHeader.scenario).not.toBe(a!.scenario);
    expect(otherHeader.scenario.id).toBe('letters-from-osk-farm');
  });
});
