import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArena, type TestArena } from '../helpers/arena.ts';
import { eventually } from '../helpers/services.ts';

/**
 * Lobby games their people left end as abandoned (ARENA_ABANDON_SECONDS) and leave the
 * public list of waiting and running debates: the real server, SDK clients, the lobby's
 * anonymous creation. The session-level rules (what counts as playing, restarts) are in
 * tests/unit/debate-session.test.ts.
 */

let t: TestArena;
const scenarioId = 'the-lantern-room';
const agentDebaters = { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } };

beforeAll(async () => {
  t = await startArena({ env: { ARENA_ABANDON_SECONDS: '1.5', ARENA_RECONNECT_SECONDS: '1' } });
});
afterAll(() => t.close());

const stored = async (id: string) => (await t.store.getTranscript(id))!;
const listed = async (status: string) => ((await t.api(`/api/debates?status=${status}`)).body.debates as { id: string }[]).map((d) => d.id);

describe('abandoned lobby games', () => {
  it('a lobby game nobody joins ends as abandoned, through the engine, and leaves the list of waiting games', async () => {
    const created = await t.createDebate({ scenarioId, preset: 'consultancy' }, null);
    expect(await listed('waiting')).toContain(created.id);
    const record = await eventually('the abandonment', async () => {
      const r = await stored(created.id);
      return r.status === 'ended' && r;
    }, 10_000);
    expect(record.header.provenance).toBe('lobby');
    expect(record.events.map((e) => [e.seat, e.action])).toEqual([['system', { type: 'abandon', reason: 'abandoned: no player connected for 2 seconds' }]]);
    expect(await listed('waiting')).not.toContain(created.id);
    expect(await listed('ended')).toContain(created.id);
    // The summary and a late joiner both say why it ended.
    expect((await t.api(`/api/debates/${created.id}`)).body).toMatchObject({ status: 'ended' });
    const late = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    await late.until((c) => c.views.length > 0, 'a view');
    expect(late.view).toMatchObject({ status: 'ended', endReason: expect.stringMatching(/^abandoned/) });
  });

  it('a game against agents runs while its judge is there, and ends once the judge left and stayed away', async () => {
    const created = await t.createDebate({ scenarioId, preset: 'debate', seats: agentDebaters }, null);
    const judge = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    await judge.myTurn();
    await judge.act({ type: 'judge', probabilities: judge.view.answers.map(() => 1 / judge.view.answers.length), end: false });
    // Present for longer than the abandonment time: nothing ends.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await stored(created.id)).status).toBe('running');
    expect(await listed('running')).toContain(created.id);
    await judge.leave();
    const record = await eventually('the abandonment', async () => {
      const r = await stored(created.id);
      return r.status === 'ended' && r;
    }, 10_000);
    const last = record.events.at(-1)!;
    expect(last).toMatchObject({ seat: 'system', action: { type: 'abandon', reason: expect.stringMatching(/^abandoned: no player connected/) } });
    expect(record.events.some((e) => e.seat === 'A' && e.action.type === 'speech')).toBe(true);
    expect(await listed('running')).not.toContain(created.id);
  });

  it('a researcher\'s debate nobody joins is not abandoned: it waits its waiting time', async () => {
    const researcher = await t.createDebate({ scenarioId, preset: 'consultancy' });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await stored(researcher.id)).status).toBe('waiting');
    expect(await listed('waiting')).toContain(researcher.id);
  });
});
