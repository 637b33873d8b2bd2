/**
 * The lobby's side of the access policy on the real server: private scenario packs,
 * the public-lobby setting, visibility on creation, and agents refused up front when
 * they cannot play their seat.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesFor } from '@arena/shared';
import { createAgent } from '../../server/src/agent-catalog.ts';
import { playDebate } from '../../server/src/selfplay/run-debate.ts';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';

/** A scenarios folder with the public `originals` pack and a private `study` pack holding one passage. */
function scenariosWithPrivatePack(): string {
  const dir = mkdtempSync(join(tmpdir(), 'arena-packs-'));
  cpSync('scenarios/originals', join(dir, 'originals'), { recursive: true });
  mkdirSync(join(dir, 'study'));
  writeFileSync(join(dir, 'study', 'pack.json'), JSON.stringify({ id: 'study', title: 'Study passages', source: 'a study', licence: 'CC-BY-4.0', private: true }));
  const passage = JSON.parse(readFileSync('scenarios/originals/the-lantern-room.json', 'utf8'));
  writeFileSync(join(dir, 'study', 'study-passage-1.json'), JSON.stringify({ ...passage, id: 'study-passage-1', title: 'A study passage' }));
  return dir;
}

const researcher = { token: RESEARCHER_TOKEN };

describe('private scenario packs and visibility', () => {
  let t: TestArena;
  beforeAll(async () => {
    t = await startArena({ env: { ARENA_SCENARIOS_DIR: scenariosWithPrivatePack() } });
  });
  afterAll(() => t.close());

  it('a private pack is offered only with the researcher token', async () => {
    const anonymous = await t.api('/api/scenarios');
    expect(anonymous.body.publicLobby).toBe(true);
    expect(anonymous.body.packs.map((p: { id: string }) => p.id)).toEqual(['originals']);
    expect(anonymous.body.scenarios.some((s: { id: string }) => s.id === 'study-passage-1')).toBe(false);
    expect(anonymous.body.scenarios.length).toBeGreaterThan(5);
    const asResearcher = await t.api('/api/scenarios', researcher);
    expect(asResearcher.body.packs.map((p: { id: string; private: boolean }) => [p.id, p.private])).toEqual([
      ['originals', false],
      ['study', true],
    ]);
    expect(asResearcher.body.scenarios.some((s: { id: string }) => s.id === 'study-passage-1')).toBe(true);
  });

  it("nobody but a researcher can open a seat on a private pack's passage", async () => {
    const body = { scenarioId: 'study-passage-1', preset: 'debate' };
    const anonymous = await t.api('/api/debates', { method: 'POST', json: body });
    expect(anonymous).toEqual({ status: 404, body: { error: 'no scenario "study-passage-1"' } });
    // A seat token of another debate is no researcher token.
    const other = await t.createDebate({ scenarioId: 'the-lantern-room', preset: 'debate' });
    expect((await t.api('/api/debates', { method: 'POST', json: body, token: other.seats.A!.token! })).status).toBe(404);
    const created = await t.api('/api/debates', { method: 'POST', json: body, ...researcher });
    expect(created.status).toBe(201);
    expect(created.body.visibility).toBe('private');
    expect((await t.store.summary(created.body.id))?.visibility).toBe('private');
  });

  it('lobby games are public; researchers choose, private by default; only researchers may ask for private', async () => {
    const body = { scenarioId: 'the-lantern-room', preset: 'debate' };
    const lobby = await t.api('/api/debates', { method: 'POST', json: body });
    expect(lobby.body.visibility).toBe('public');
    const asked = await t.api('/api/debates', { method: 'POST', json: { ...body, visibility: 'private' } });
    expect(asked.status).toBe(403);
    expect(asked.body.error).toMatch(/only researchers create private debates/);
    const publicByResearcher = await t.api('/api/debates', { method: 'POST', json: { ...body, visibility: 'public' }, ...researcher });
    expect(publicByResearcher.body.visibility).toBe('public');
    expect((await t.store.summary(publicByResearcher.body.id))?.visibility).toBe('public');
  });
});

describe('agents refused up front', () => {
  let t: TestArena;
  beforeAll(async () => {
    t = await startArena();
  });
  afterAll(() => t.close());

  // With the researcher token, so that any agent id may be asked for (the lobby offers built-ins only).
  const create = (scenarioId: string, preset: string, seats: Record<string, unknown>) => t.api('/api/debates', { method: 'POST', json: { scenarioId, preset, seats }, ...researcher });

  it('a pixel debater in a passage debate, a judge agent as a debater, a debater agent as judge: 422 naming the agent; nothing stored', async () => {
    const before = await t.store.countDebates();
    const pixel = await create('the-lantern-room', 'debate', { A: { kind: 'agent', agent: 'builtin:pixel-debater' } });
    expect(pixel).toEqual({
      status: 422,
      body: { error: 'seat A: agent "builtin:pixel-debater" cannot play over passage evidence (scenario the-lantern-room; it knows: image)' },
    });
    const judgeAsDebater = await create('the-lantern-room', 'debate', { B: { kind: 'agent', agent: 'builtin:passage-judge' } });
    expect(judgeAsDebater.status).toBe(422);
    expect(judgeAsDebater.body.error).toBe('seat B: agent "builtin:passage-judge" cannot play a debater (it plays: judge)');
    const debaterAsJudge = await create('the-lantern-room', 'consultancy', { judge: { kind: 'agent', agent: 'builtin:passage-debater' } });
    expect(debaterAsJudge.body.error).toBe('seat judge: agent "builtin:passage-debater" cannot play a judge (it plays: debater)');
    const passageJudgeOnDigits = await create('mnist-08965a18d4', 'pixels', { judge: { kind: 'agent', agent: 'builtin:passage-judge' } });
    expect(passageJudgeOnDigits.status).toBe(422);
    expect(passageJudgeOnDigits.body.error).toMatch(/builtin:passage-judge" cannot play over image evidence/);
    const unknown = await create('the-lantern-room', 'debate', { A: { kind: 'agent', agent: 'nobody' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/^seat A: unknown agent "nobody" \(known: builtin:passage-debater/);
    expect(await t.store.countDebates()).toBe(before);
    // Agents that fit are accepted, and `builtin:random` plays anything.
    expect((await create('the-lantern-room', 'debate', { A: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'builtin:random' } })).status).toBe(201);
  });

  it('a re-judging by a judge agent that cannot judge the evidence is refused, naming it, before anything is written', async () => {
    const scenario = t.arena.services.scenarios.get('the-lantern-room')!;
    const agents = {
      A: createAgent('builtin:passage-debater', { seed: 'a' }),
      B: createAgent('builtin:passage-debater', { seed: 'b' }),
      judge: createAgent('builtin:passage-judge', { seed: 'j' }),
    };
    const original = await playDebate({ id: 'sp-original', scenario, rules: rulesFor('debate'), seed: 's1', agents, startAt: 1_700_000_000_000 });
    await t.store.saveTranscript(original, 'private');
    const before = await t.store.countDebates();
    const res = await t.api('/api/rejudge', { method: 'POST', json: { debateId: 'sp-original', judge: { kind: 'agent', agent: 'builtin:pixel-judge' } }, ...researcher });
    expect(res).toEqual({ status: 422, body: { error: 'judge: agent "builtin:pixel-judge" cannot play over passage evidence (scenario the-lantern-room; it knows: image)' } });
    expect(await t.store.countDebates()).toBe(before);
    const fits = await t.api('/api/rejudge', { method: 'POST', json: { debateId: 'sp-original', judge: { kind: 'agent', agent: 'builtin:passage-judge' } }, ...researcher });
    expect(fits.status).toBe(201);
    expect((await t.store.summary(fits.body.debates[0].id))?.visibility).toBe('private');
  });
});

describe('the public lobby switched off (ARENA_LOBBY=off)', () => {
  let t: TestArena;
  beforeAll(async () => {
    t = await startArena({ env: { ARENA_LOBBY: 'off' } });
  });
  afterAll(() => t.close());

  it('offers no scenarios and creates no debate without the researcher token; researchers work as before', async () => {
    const anonymous = await t.api('/api/scenarios');
    expect(anonymous.body).toEqual({ publicLobby: false, packs: [], scenarios: [] });
    const refused = await t.api('/api/debates', { method: 'POST', json: { scenarioId: 'the-lantern-room', preset: 'debate' } });
    expect(refused).toEqual({ status: 403, body: { error: 'this server creates debates for researchers only (the public lobby is off): send the researcher token' } });
    expect(await t.store.countDebates()).toBe(0);
    const asResearcher = await t.api('/api/scenarios', researcher);
    expect(asResearcher.body.publicLobby).toBe(false);
    expect(asResearcher.body.scenarios.length).toBeGreaterThan(10);
    const created = await t.api('/api/debates', { method: 'POST', json: { scenarioId: 'the-lantern-room', preset: 'debate' }, ...researcher });
    expect(created.status).toBe(201);
    expect(created.body.visibility).toBe('private');
    // Its seats' links work as ever.
    const judge = await t.join({ debateId: created.body.id, seat: 'judge', token: created.body.seats.judge.token });
    await judge.until((c) => c.welcome !== null, 'welcome');
    expect(judge.welcome!.seat).toBe('judge');
  });

  it('a bad value stops the server with a message naming the variable', async () => {
    const { loadConfig } = await import('../../server/src/config.ts');
    expect(() => loadConfig({ ARENA_LOBBY: 'maybe' })).toThrow(/ARENA_LOBBY/);
  });
});
