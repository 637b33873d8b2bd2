import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { startTsAgent, type AgentProcess } from '../helpers/agent-process.ts';
import { io } from 'socket.io-client';

// A short agent budget, so a silent agent forfeits quickly; the rules' own turn limits stay long.
let t: TestArena;
const agents: AgentProcess[] = [];
beforeAll(async () => {
  t = await startArena({ env: { ARENA_AGENT_SECONDS: '4' } });
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await t.close();
});

async function agent(name: string, behaviour: string): Promise<AgentProcess> {
  const res = await t.api('/api/agents/keys', { method: 'POST', json: { name }, token: RESEARCHER_TOKEN });
  expect(res.status).toBe(201);
  const a = startTsAgent(t.http, name, res.body.key, behaviour);
  agents.push(a);
  await a.until((e) => e.event === 'welcome', 'welcome');
  return a;
}

/** Waits for a stored event of the debate that satisfies `test`. */
async function event(id: string, test: (e: any) => boolean, what: string, ms = 15_000): Promise<any> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = (await t.store.getTranscript(id))!.events.find(test);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`debate ${id}: no ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const stats = async (name: string) => (await t.api('/api/agents/remote', { token: RESEARCHER_TOKEN })).body.agents.find((a: any) => a.name === name);

describe('remote agents that fail', () => {
  it('a malformed acknowledgement is refused like a bad action: the same turn again with the refusal, then play goes on', async () => {
    const a = await agent('garbler', 'malformed-once');
    const created = await t.createDebate({
      scenarioId: 'the-quiet-relay',
      seed: 'malformed-1',
      seats: { A: { kind: 'agent', agent: 'remote:garbler' }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
    });
    const speech = await event(created.id, (e) => e.seat === 'A' && e.action.type === 'speech', 'speech of A');
    const turns = a.events.filter((e) => e.event === 'turn');
    expect(turns[0]).toMatchObject({ attempt: 1, seat: 'A', debateId: created.id, refusal: null });
    expect(turns[1]).toMatchObject({ attempt: 2, turnId: turns[0]!.turnId, refusal: { code: 'malformed' } });
    expect(turns[1]!.refusal.message).toMatch(/not \{ turnId\?, action, meta\? \}/);
    expect(speech.meta).toMatchObject({ agent: 'remote:garbler', refusedOnce: { code: 'malformed' }, remote: { model: 'ts-test' } });
    expect(await stats('garbler')).toMatchObject({ malformed: 1, refusals: 1, forfeits: 0 });
  });

  it('an action the engine refuses twice forfeits the turn, with both refusals told to the agent', async () => {
    const a = await agent('refuser', 'refuse');
    const created = await t.createDebate({
      scenarioId: 'the-quiet-relay',
      seed: 'refuse-1',
      seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'remote:refuser' } },
    });
    const forfeit = await event(created.id, (e) => e.action.type === 'forfeit', 'forfeit');
    expect(forfeit).toMatchObject({ seat: 'system', action: { seat: 'judge' }, meta: { agent: 'remote:refuser' } });
    expect(forfeit.action.reason).toMatch(/^refused twice/);
    const turns = a.events.filter((e) => e.event === 'turn' && e.debateId === created.id);
    expect(turns.slice(0, 2).map((e) => [e.attempt, e.refusal?.code ?? null])).toEqual([
      [1, null],
      [2, 'bad-probabilities'],
    ]);
    const s = await stats('refuser');
    expect(s.refusals).toBeGreaterThanOrEqual(2);
    expect(s.forfeits).toBeGreaterThanOrEqual(1);
    expect(s.malformed).toBe(0);
  });

  it('a turn not answered within the agent budget is forfeited and the agent is told the turn is over', async () => {
    const a = await agent('sleeper', 'silent');
    const started = Date.now();
    const created = await t.createDebate({
      scenarioId: 'the-quiet-relay',
      seed: 'silent-1',
      seats: { A: { kind: 'agent', agent: 'remote:sleeper' }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
    });
    const forfeit = await event(created.id, (e) => e.action.type === 'forfeit' && e.action.seat === 'A', 'forfeit of A');
    expect(forfeit.action.reason).toMatch(/no valid action within 4000 ms/);
    expect(forfeit.at - started).toBeGreaterThanOrEqual(4000);
    const turn = a.events.find((e) => e.event === 'turn')!;
    // The deadline the agent was given is the budget's end.
    expect(turn.deadline).toBeGreaterThan(started + 3500);
    expect(turn.deadline).toBeLessThanOrEqual(forfeit.at + 50);
    await a.until((e) => e.event === 'cancel' && e.turnId === turn.turnId, 'cancel of the turn');
    expect((await stats('sleeper')).timeouts).toBeGreaterThanOrEqual(1);
  });

  it('an agent that drops in the middle of a turn and reconnects is sent the pending turn again, and its answer counts', async () => {
    const a = await agent('flaky', 'drop-once');
    const created = await t.createDebate({
      scenarioId: 'the-quiet-relay',
      seed: 'drop-1',
      seats: { A: { kind: 'agent', agent: 'remote:flaky' }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
    });
    const speech = await event(created.id, (e) => e.seat === 'A' && e.action.type === 'speech', 'speech of A');
    expect(speech.meta.refusedOnce).toBeUndefined();
    const order = a.events.map((e) => e.event);
    expect(order.indexOf('dropped')).toBeLessThan(order.lastIndexOf('connected'));
    const messages = a.events.filter((e) => e.event === 'turn-message');
    // The same turn, sent once before the drop and once after the reconnect; the handler ran once.
    expect(messages[0]!.turnId).toBe(messages[1]!.turnId);
    expect(messages[1]!.attempt).toBe(1);
    expect(a.events.filter((e) => e.event === 'turn' && e.turnId === messages[0]!.turnId)).toHaveLength(1);
    const record = (await t.store.getTranscript(created.id))!;
    expect(record.events.some((e) => e.action.type === 'forfeit')).toBe(false);
  });

  it('an acknowledgement that names another turn is dropped and the turn is sent again', async () => {
    const res = await t.api('/api/agents/keys', { method: 'POST', json: { name: 'raw' }, token: RESEARCHER_TOKEN });
    const socket = io(`${t.http}/agents`, { transports: ['websocket'], auth: { key: res.body.key, name: 'raw', protocol: 1 } });
    const seen: { turnId: string; attempt: number }[] = [];
    socket.on('turn', (turn: any, ack: (reply: unknown) => void) => {
      seen.push({ turnId: turn.turnId, attempt: turn.attempt });
      const action = { type: 'speech', text: 'Raw client speaking.' };
      // The first answer names some earlier turn (as a late answer after a reconnect would).
      ack(seen.length === 1 ? { turnId: 'an-earlier-turn', action } : { turnId: turn.turnId, action });
    });
    try {
      await new Promise((resolve) => socket.once('welcome', resolve));
      const created = await t.createDebate({
        scenarioId: 'the-quiet-relay',
        seed: 'stale-1',
        seats: { A: { kind: 'agent', agent: 'remote:raw' }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
      });
      const speech = await event(created.id, (e) => e.seat === 'A' && e.action.type === 'speech', 'speech of A');
      expect(speech.action.text).toBe('Raw client speaking.');
      expect(speech.meta.refusedOnce).toBeUndefined();
      expect(seen.slice(0, 2)).toEqual([seen[0], { turnId: seen[0]!.turnId, attempt: 1 }]);
      expect((await stats('raw')).malformed).toBe(0);
    } finally {
      socket.close();
    }
  });
});
