/**
 * Items argued by paid agents are capped: a study whose conditions have LLM debaters (here a
 * local fake LLM server) refuses to launch when a participant's queue could hold more of them
 * than `paidAgents.perParticipant`; a participant who would start more (restarts included)
 * ends with the return code and a typed flag; over `paidAgents.perMinute` study-wide, the next
 * item waits and its page gives the typed reason, and no debate (no paid call) is started for it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { parseSpec, type StudySpec } from '../../server/src/studies/spec.ts';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server.ts';

let llm: FakeLlmServer;
let t: TestArena;
const previous = { agents: process.env.ARENA_AGENTS, key: process.env.FAKE_LLM_KEY };

beforeAll(async () => {
  llm = await startFakeLlmServer();
  const agentsFile = join(mkdtempSync(join(tmpdir(), 'arena-agents-')), 'agents.json');
  const debater = { provider: 'openai', model: 'fake-openai', baseURL: llm.openaiBaseURL, apiKeyEnv: 'FAKE_LLM_KEY', maxTokens: 300, timeoutMs: 10_000, roles: ['debater'] };
  writeFileSync(agentsFile, JSON.stringify({ agents: { 'llm-debater': debater } }));
  process.env.ARENA_AGENTS = agentsFile;
  process.env.FAKE_LLM_KEY = 'sk-fake-paid';
  t = await startArena({ env: { ARENA_STUDY_SWEEP_SECONDS: '3600' } });
});
afterAll(async () => {
  await t?.close();
  await llm?.close();
  for (const [name, value] of [['ARENA_AGENTS', previous.agents], ['FAKE_LLM_KEY', previous.key]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const base = parseSpec(EXAMPLE_SPEC);
const spec: StudySpec = {
  ...base,
  id: 'paid-study',
  scenarios: { packs: [], ids: ['the-lantern-room', 'log-of-the-petrel', 'the-quiet-relay', 'hollis-and-daughter'] },
  // Every item is argued by the LLM debater: one consultant, one round.
  conditions: [
    { name: 'llm-consultancy', preset: 'consultancy', rules: { maxSpeechRounds: 1 }, debaters: 'llm-debater' },
    { name: 'llm-debate', preset: 'debate', rules: { maxSpeechRounds: 1 }, debaters: 'llm-debater' },
  ],
  itemsPerParticipant: 2,
  judgementsPerCell: 2,
  practice: [],
  attentionChecks: [],
  paidAgents: { perParticipant: 2, perMinute: 3 },
};

type Page = { stage: string; item?: { status: string; debateId: string | null; token: string }; end?: { outcome: string } | null; busy?: { code: string; reason: string; retrySeconds?: number } };
const post = async (path: string, token: string) => (await t.api<Page>(`/api/studies/${spec.id}/me/${path}`, { method: 'POST', json: path === 'consent' ? { agree: true } : {}, token })).body;
const arrive = async (pid: string): Promise<{ token: string; page: Page }> => {
  const { token } = (await t.api<{ token: string }>(`/api/studies/${spec.id}/enter`, { method: 'POST', json: { pid } })).body;
  await post('consent', token);
  return { token, page: await post('start', token) };
};
const studyDebates = () => t.store.countDebates({ meta: { 'study.id': spec.id } });

describe('a study with paid (LLM) debaters', () => {
  it('caps the items a participant may start and the items the study starts a minute, with typed reasons', async () => {
    // A queue that could hold more paid items than the cap: refused at launch, naming the option.
    const over = await t.api('/api/studies', { method: 'POST', json: { spec: { ...spec, id: 'paid-over', paidAgents: { perParticipant: 1, perMinute: 3 } } }, token: RESEARCHER_TOKEN });
    expect(over.status).toBe(400);
    expect(over.body.error).toMatch(/can hold 2 items argued by paid agents, above paidAgents\.perParticipant \(1\)/);
    expect((await t.api('/api/studies', { method: 'POST', json: { spec }, token: RESEARCHER_TOKEN })).status).toBe(201);

    // The first participant judges their first item: the LLM debater argues it (the fake server is called).
    const p1 = await arrive('PAID-1');
    expect(p1.page.item?.debateId).toBeTruthy();
    const calls = llm.requests.length;
    const judge = await t.join({ debateId: p1.page.item!.debateId!, seat: 'judge', token: p1.page.item!.token });
    for (;;) {
      await judge.until((c) => c.views.length > 0 && (c.view.status === 'finished' || c.view.legal.some((l) => l.type === 'judge')), 'the judge turn or the verdict', 20_000);
      if (judge.view.status === 'finished') break;
      await judge.act({ type: 'judge', probabilities: judge.view.answers.map(() => 1 / judge.view.answers.length), end: judge.view.legal.some((l) => l.type === 'judge' && l.canEnd) });
    }
    expect(llm.requests.length).toBeGreaterThan(calls);
    for (let i = 0; i < 50 && (await post('seen', p1.token)).item?.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));
    const second = await post('next', p1.token);
    expect(second.item?.debateId).toBeTruthy();
    expect(await studyDebates()).toBe(2);

    // Its debate ends without a verdict: a fresh one would be this participant's third paid start, over the cap of 2.
    await t.arena.services.sessions.cancel(second.item!.debateId!, 'test: the debate broke off');
    let page = await post('seen', p1.token);
    for (let i = 0; i < 50 && page.stage !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      page = await post('seen', p1.token);
    }
    expect(page.end).toMatchObject({ outcome: 'noCapacity' });
    const [first] = await t.stores.studies.participants(spec.id);
    expect(first!.flags).toContain('paid-agent-cap');
    expect(await t.store.countDebates({ meta: { 'study.id': spec.id, 'study.participant': first!.participant } })).toBe(2);

    // The study has started 2 paid debates this minute; a third participant's item starts (3 of 3), the fourth's waits.
    const p2 = await arrive('PAID-2');
    expect(p2.page.item?.debateId).toBeTruthy();
    const p3 = await arrive('PAID-3');
    expect(p3.page.stage).toBe('items');
    expect(p3.page.item?.debateId).toBeNull();
    expect(p3.page.busy).toMatchObject({ code: 'paid-agents-per-minute', reason: expect.stringMatching(/starts within \d+ seconds/) });
    expect(p3.page.busy!.retrySeconds).toBeGreaterThan(0);
    expect(p3.page.busy!.retrySeconds).toBeLessThanOrEqual(60);
    // Its heartbeat does not start it either while the minute is full: no debate, so no paid call.
    const again = await post('seen', p3.token);
    expect(again.item?.debateId).toBeNull();
    expect(again.busy?.code).toBe('paid-agents-per-minute');
    expect(await studyDebates()).toBe(3);
  });
});
