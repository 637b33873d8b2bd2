import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passageText, replay } from '@arena/shared';
import { framesText, startArena, type TestArena } from '../helpers/arena.ts';

let t: TestArena;
beforeAll(async () => {
  t = await startArena();
});
afterAll(() => t.close());

describe('agents in live rooms', () => {
  it('a human judge faces two built-in debaters, to a stored verdict', async () => {
    const scenario = t.arena.services.scenarios.get('the-quiet-relay')!;
    const created = await t.createDebate({
      scenarioId: scenario.id,
      preset: 'debate',
      seed: 'agents-live-1',
      seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' } },
    });
    expect(Object.keys(created.seats).filter((s) => created.seats[s]!.token)).toEqual(['judge']);
    await expect(t.join({ debateId: created.id, seat: 'A' })).rejects.toThrow(/played by an agent/);
    const judge = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    await judge.myTurn();
    await judge.act({ type: 'judge', probabilities: [0.5, 0.5], end: false });
    // The agents speak by themselves; the judge sees the round once both have.
    await judge.until((c) => c.view.rounds[1]?.complete === true && c.view.legal.length > 0, 'the agents’ opening round');
    const opening = judge.view.rounds[1]!;
    expect(opening.speeches).toHaveLength(2);
    expect(opening.speeches.every((s) => s.chars > 0 && !s.timedOut)).toBe(true);
    expect(judge.view.quotes.length).toBeGreaterThan(0);
    await judge.act({ type: 'judge', probabilities: [0.6, 0.4], end: true });
    await judge.until((c) => c.view.status === 'finished', 'the verdict');
    // Agents quote the passage, but the judge received only what was quoted.
    const bytes = framesText(judge.frames());
    const quoted = judge.view.quotes.map((q) => q.text).join(' ');
    const unquoted = passageText(scenario)
      .split(/(?<=[.!?])\s+|\n+/)
      .filter((s) => s.length >= 40 && !quoted.includes(s));
    for (const s of unquoted) expect(bytes).not.toContain(s);
    const stored = (await t.store.getTranscript(created.id))!;
    const agentEvents = stored.events.filter((e) => e.seat === 'A' || e.seat === 'B');
    expect(agentEvents.every((e) => e.meta?.agent === 'builtin:passage-debater' && typeof e.meta?.latencyMs === 'number')).toBe(true);
    expect(replay(stored.header, stored.events).verdict).toEqual(stored.verdict);
  });

  it('a human debater plays against a built-in opponent and a built-in judge', async () => {
    const created = await t.createDebate({
      scenarioId: 'the-lantern-room',
      preset: 'debate',
      seed: 'agents-live-2',
      seats: { B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
    });
    const a = await t.join({ debateId: created.id, seat: 'A', token: created.seats.A!.token! });
    await a.until((c) => c.views.length > 0, 'its first view');
    for (let turn = 0; turn < 8; turn++) {
      await a.until((c) => c.views.length > 0 && (c.view.legal.length > 0 || c.view.status === 'finished'), 'its turn or the end', 15_000);
      if (a.view.status === 'finished') break;
      await a.act({ type: 'speech', text: `My answer holds, turn ${turn}.` });
      expect(a.refusals).toHaveLength(0);
    }
    await a.until((c) => c.view.status === 'finished', 'the verdict', 15_000);
    expect(a.view.verdict?.debaterScores.A).toBeLessThan(0);
    expect((await t.store.getTranscript(created.id))!.status).toBe('finished');
  });

  it('refuses an unknown agent when the debate is created', async () => {
    const res = await t.api('/api/debates', {
      method: 'POST',
      json: { scenarioId: 'the-lantern-room', seats: { A: { kind: 'agent', agent: 'nobody:here' } } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/unknown agent/);
  });
});
