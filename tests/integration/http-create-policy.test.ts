import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, PROTOCOL_VERSION } from '@arena/shared';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';

// A configured LLM agent (its endpoint is never reached: every request here is refused or never plays it).
const agentsFile = join(mkdtempSync(join(tmpdir(), 'arena-agents-')), 'agents.json');
writeFileSync(agentsFile, JSON.stringify({ agents: { 'paid-llm': { provider: 'openai', model: 'm', baseURL: 'http://127.0.0.1:9/v1' } } }));
const previousAgents = process.env.ARENA_AGENTS;

let t: TestArena;
beforeAll(async () => {
  process.env.ARENA_AGENTS = agentsFile;
  t = await startArena();
});
afterAll(async () => {
  await t.close();
  if (previousAgents === undefined) delete process.env.ARENA_AGENTS;
  else process.env.ARENA_AGENTS = previousAgents;
});

const SCENARIO = 'the-lantern-room';
const digit = () => [...t.arena.services.scenarios.values()].find((s) => s.pack === 'mnist')!.id;
const count = async () => (await t.store.listDebates({ limit: 10_000, offset: 0 })).length;
const create = (json: Record<string, unknown>, token?: string) => t.api('/api/debates', { method: 'POST', json, ...(token ? { token } : {}) });

describe('anonymous callers create what the lobby offers, and no more', () => {
  it('may create human and built-in agent seats, with the lobby’s timer overrides', async () => {
    const ok = await create({ scenarioId: SCENARIO, preset: 'debate', seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'human', open: true } }, rules: { speechSeconds: 120, judgeSeconds: 600 } });
    expect(ok.status).toBe(201);
    const stored = (await t.store.getTranscript(ok.body.id))!;
    expect(stored.header.rules.speechSeconds).toBe(120);
    expect(stored.header.provenance).toBe('lobby');
    expect((await create({ scenarioId: digit(), preset: 'pixels', seats: { A: { kind: 'agent', agent: 'builtin:pixel-debater@1000' } } })).status).toBe(201);
  });

  it('needs the researcher token for seeds, meta, other rules, configured and replay agents; nothing is stored', async () => {
    const before = await count();
    const refused = [
      { scenarioId: SCENARIO, seed: 'chosen' },
      { scenarioId: SCENARIO, meta: { experiment: 'x' } },
      { scenarioId: SCENARIO, rules: { speechChars: 20000, quoteChars: 20000 } },
      { scenarioId: SCENARIO, rules: { maxSpeechRounds: 50 } },
      { scenarioId: SCENARIO, seats: { A: { kind: 'agent', agent: 'paid-llm' } } },
      { scenarioId: SCENARIO, seats: { judge: { kind: 'agent', agent: 'paid-llm' } } },
    ];
    for (const json of refused) {
      const res = await create(json);
      expect(res.status, JSON.stringify(json)).toBe(403);
      expect(res.body.error).toMatch(/researcher token/);
    }
    expect(await count()).toBe(before);
    for (const json of refused) expect((await create(json, RESEARCHER_TOKEN)).status, JSON.stringify(json)).toBe(201);
    expect(await count()).toBe(before + refused.length);
  });

  it('bounds agent parameters: lower for anonymous callers, bounded for everyone', async () => {
    const before = await count();
    const pixel = (n: string, token?: string) => create({ scenarioId: digit(), preset: 'pixels', seats: { A: { kind: 'agent', agent: `builtin:pixel-debater@${n}` } } }, token);
    expect((await pixel('1001')).status).toBe(400);
    expect((await pixel('100000')).status).toBe(400);
    expect((await pixel('100000', RESEARCHER_TOKEN)).status).toBe(400);
    expect((await pixel('20001', RESEARCHER_TOKEN)).status).toBe(400);
    expect((await pixel('1e5', RESEARCHER_TOKEN)).status).toBe(400);
    expect((await pixel('0', RESEARCHER_TOKEN)).status).toBe(400);
    expect((await pixel('1001')).body.error).toMatch(/rollouts must be from 1 to 1000 without the researcher token/);
    expect(await count()).toBe(before);
    expect((await pixel('20000', RESEARCHER_TOKEN)).status).toBe(201);
    // Timers out of the lobby's bounds.
    expect((await create({ scenarioId: SCENARIO, rules: { speechSeconds: 5 } })).status).toBe(400);
    expect((await create({ scenarioId: SCENARIO, rules: { judgeSeconds: null } })).status).toBe(400);
  });

  it('lists only the agents the caller may seat', async () => {
    expect((await t.api('/api/presets')).body.agents).not.toContain('paid-llm');
    expect((await t.api('/api/presets', { token: RESEARCHER_TOKEN })).body.agents).toContain('paid-llm');
  });
});

describe('the preset label is derived from the rules', () => {
  it('refuses a label inside rules, and stores what the rules are', async () => {
    const spoof = await create({ scenarioId: SCENARIO, preset: 'blind', rules: { preset: 'debate' } }, RESEARCHER_TOKEN);
    expect(spoof.status).toBe(400);
    expect(spoof.body.error).toMatch(/preset/);
    const d = PRESETS.debate.rules;
    // Blind by name, a debate by structure: stored as a debate.
    const asDebate = await create(
      { scenarioId: SCENARIO, preset: 'blind', rules: { debaters: 'all', opening: [...d.opening], repeating: [...d.repeating], maxSpeechRounds: 4, minSpeechRoundsBeforeEnd: 1, speechSeconds: 300 } },
      RESEARCHER_TOKEN,
    );
    expect(asDebate.status).toBe(201);
    expect(asDebate.body.preset).toBe('debate');
    expect((await t.store.getTranscript(asDebate.body.id))!.header.rules.preset).toBe('debate');
    // A researcher's debate is private: its summary is read with the token.
    expect((await t.api(`/api/debates/${asDebate.body.id}`, { token: RESEARCHER_TOKEN })).body.preset).toBe('debate');
    const custom = await create({ scenarioId: SCENARIO, preset: 'debate', rules: { opening: ['judge', 'sequential', 'sequential', 'judge'] } }, RESEARCHER_TOKEN);
    expect(custom.status).toBe(201);
    expect((await t.store.getTranscript(custom.body.id))!.header.rules.preset).toBe('custom');
  });
});

describe('provenance', () => {
  it('records who created a debate, and results can be filtered by it', async () => {
    // Over every debate (the researcher's are private, and the public report leaves them out).
    const total = async (p: string) => (await t.api(`/api/results?provenance=${p}`, { token: RESEARCHER_TOKEN })).body.total as number;
    const before = { lobby: await total('lobby'), researcher: await total('researcher') };
    const judgeAgent = { judge: { kind: 'agent', agent: 'builtin:passage-judge' } };
    const lobby = await create({ scenarioId: SCENARIO, preset: 'blind', seats: judgeAgent });
    const researcher = await create({ scenarioId: SCENARIO, preset: 'blind', seats: judgeAgent }, RESEARCHER_TOKEN);
    expect((await t.store.getTranscript(lobby.body.id))!.header.provenance).toBe('lobby');
    expect((await t.store.getTranscript(researcher.body.id))!.header.provenance).toBe('researcher');
    // An all-agent debate plays by itself; an observer watches it to the verdict.
    for (const [id, token] of [[lobby.body.id, undefined], [researcher.body.id, RESEARCHER_TOKEN]] as const) {
      // The researcher's debate is private: its observer shows the researcher token.
      const observer = await t.join({ debateId: id, seat: 'observer', protocol: PROTOCOL_VERSION, ...(token ? { token } : {}) });
      await observer.until((c) => c.views.at(-1)?.status === 'finished', 'the verdict', 15_000);
    }
    expect(await total('lobby')).toBe(before.lobby + 1);
    expect(await total('researcher')).toBe(before.researcher + 1);
    expect(await total('selfplay')).toBe(0);
  });
});

describe('rate limits and a closed lobby', () => {
  it('refuses an anonymous client over the limit with a clear 429; refused requests do not count; researchers are not limited', async () => {
    const limited = await startArena({ env: { ARENA_LOBBY_CREATE_LIMIT: '3' } });
    try {
      const make = (token?: string) => limited.api('/api/debates', { method: 'POST', json: { scenarioId: SCENARIO }, ...(token ? { token } : {}) });
      for (let i = 0; i < 5; i++) expect((await limited.api('/api/debates', { method: 'POST', json: { scenarioId: 'nope' } })).status).toBe(404);
      for (let i = 0; i < 3; i++) expect((await make()).status).toBe(201);
      const over = await make();
      expect(over.status).toBe(429);
      expect(over.body.code).toBe('rate-limited');
      expect(over.body.error).toMatch(/at most 3 debates per 10 minutes/);
      expect(over.body.retryAfterSeconds).toBeGreaterThan(0);
      expect((await limited.store.listDebates({ limit: 100, offset: 0 })).length).toBe(3);
      expect((await make(RESEARCHER_TOKEN)).status).toBe(201);
    } finally {
      await limited.close();
    }
  });

  it('counts a spoofed X-Forwarded-For against the direct peer unless that peer is a named proxy', async () => {
    const spoof = (arena: TestArena, i: number) =>
      arena.api('/api/debates', { method: 'POST', json: { scenarioId: SCENARIO }, headers: { 'x-forwarded-for': `203.0.113.${i}` } });
    // A proxy named elsewhere: this client reaches the server directly, so its header is not believed.
    const direct = await startArena({ env: { ARENA_LOBBY_CREATE_LIMIT: '2', ARENA_TRUST_PROXY: '10.9.9.9' } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await spoof(direct, i)).status);
      expect(statuses).toEqual([201, 201, 429, 429]);
    } finally {
      await direct.close();
    }
    // Behind a named proxy (here the loopback peer), each forwarded address has its own count.
    const proxied = await startArena({ env: { ARENA_LOBBY_CREATE_LIMIT: '2', ARENA_TRUST_PROXY: 'loopback' } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await spoof(proxied, i)).status);
      expect(statuses).toEqual([201, 201, 201, 201]);
    } finally {
      await proxied.close();
    }
    // A hop count would believe any direct client: it is refused with the reason.
    await expect(startArena({ env: { ARENA_TRUST_PROXY: '1' } })).rejects.toThrow(/ARENA_TRUST_PROXY\S*: name each trusted proxy/);
  });

  it('with ARENA_LOBBY=off only researchers create debates', async () => {
    const closed = await startArena({ env: { ARENA_LOBBY: 'off' } });
    try {
      const anonymous = await closed.api('/api/debates', { method: 'POST', json: { scenarioId: SCENARIO } });
      expect(anonymous.status).toBe(403);
      expect(anonymous.body.error).toMatch(/researcher/);
      expect((await closed.api('/api/debates', { method: 'POST', json: { scenarioId: SCENARIO }, token: RESEARCHER_TOKEN })).status).toBe(201);
    } finally {
      await closed.close();
    }
  });
});
