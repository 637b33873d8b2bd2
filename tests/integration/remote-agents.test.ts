import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '@arena/shared';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { startPythonAgent, startTsAgent, type AgentProcess } from '../helpers/agent-process.ts';

let t: TestArena;
const agents: AgentProcess[] = [];
beforeAll(async () => {
  t = await startArena({ env: { ARENA_AGENT_SECONDS: '20' } });
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await t.close();
});

async function issue(name: string): Promise<{ id: string; key: string }> {
  const res = await t.api('/api/agents/keys', { method: 'POST', json: { name }, token: RESEARCHER_TOKEN });
  expect(res.status).toBe(201);
  return res.body;
}

async function finished(id: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const record = (await t.store.getTranscript(id))!;
    if (record.status === 'finished' || record.status === 'ended') return record;
    if (Date.now() > deadline) throw new Error(`debate ${id} still ${record.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('remote agents over socket.io', () => {
  it('a TypeScript SDK agent and the Python example debate each other to a verdict before a built-in judge', async () => {
    const ts = await issue('ts-debater');
    const py = await issue('py-debater');
    agents.push(startTsAgent(t.http, 'ts-debater', ts.key), startPythonAgent(t.http, 'py-debater', py.key));
    await Promise.all(agents.map((a) => a.until((e) => e.event === 'welcome', 'welcome')));
    const listed = await t.api('/api/agents');
    expect(listed.body.agents).toEqual(expect.arrayContaining([
      { id: 'remote:ts-debater', kind: 'remote', connected: true },
      { id: 'remote:py-debater', kind: 'remote', connected: true },
    ]));
    const created = await t.createDebate({
      scenarioId: 'the-quiet-relay',
      preset: 'debate',
      seed: 'remote-1',
      seats: { A: { kind: 'agent', agent: 'remote:ts-debater' }, B: { kind: 'agent', agent: 'remote:py-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
    });
    const record = await finished(created.id);
    expect(record.status).toBe('finished');
    const spoken = (seat: string) => record.events.filter((e) => e.seat === seat && e.action.type === 'speech');
    expect(spoken('A').length).toBeGreaterThan(0);
    expect(spoken('B').length).toBe(spoken('A').length);
    expect(spoken('A').every((e) => e.meta?.agent === 'remote:ts-debater' && (e.meta?.remote as any)?.model === 'ts-test')).toBe(true);
    expect(spoken('B').every((e) => e.meta?.agent === 'remote:py-debater' && (e.meta?.remote as any)?.model === 'python-example')).toBe(true);
    expect(record.events.some((e) => e.action.type === 'forfeit')).toBe(false);
    expect(replay(record.header, record.events).verdict).toEqual(record.verdict);
  });
});
