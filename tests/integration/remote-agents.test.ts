import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { passageText, replay, viewFor } from '@arena/shared';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { runArena } from '../helpers/cli.ts';
import { startPythonAgent, startTsAgent, type AgentProcess } from '../helpers/agent-process.ts';
import { pythonSocketio } from '../helpers/requirements.ts';

/** The first three tests play the Python example agent; the later ones count on the debate the first one played. */
const python = await pythonSocketio('remote-agents: remote agents over socket.io, the Python example among them');

let t: TestArena;
const agents: AgentProcess[] = [];
beforeAll(async () => {
  if (!python) return;
  t = await startArena({ env: { ARENA_AGENT_SECONDS: '20' } });
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await t?.close();
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

describe.runIf(python)('remote agents over socket.io', () => {
  it('a TypeScript SDK agent and the Python example debate each other to a verdict before a built-in judge', async () => {
    const ts = await issue('ts-debater');
    const py = await issue('py-debater');
    agents.push(startTsAgent(t.http, 'ts-debater', ts.key), startPythonAgent(t.http, 'py-debater', py.key));
    await Promise.all(agents.map((a) => a.until((e) => e.event === 'welcome', 'welcome')));
    // Remote agents are seated with the researcher token (like configured agents): only researchers see them listed.
    expect((await t.api('/api/agents')).body.agents.every((a: any) => a.kind === 'builtin')).toBe(true);
    const listed = await t.api('/api/agents', { token: RESEARCHER_TOKEN });
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

  it('the Python example cross-examines: under debate-cross-exam it asks its question and answers the one put to it with a verified quote, to a verdict', async () => {
    // The Python agent connected in the test before; its turns here are question and answer besides speeches.
    const created = await t.createDebate({
      scenarioId: 'the-quiet-relay',
      preset: 'debate-cross-exam',
      seed: 'remote-cross-1',
      seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'remote:py-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } },
    });
    const record = await finished(created.id, 60_000);
    expect(record.status).toBe('finished');
    expect(record.events.some((e) => e.action.type === 'forfeit' || e.action.type === 'timeout')).toBe(false);
    const state = replay(record.header, record.events);
    expect(state.verdict).toEqual(record.verdict);
    expect(record.verdict).toBeTruthy();
    const fromB = (type: string) => record.events.filter((e) => e.seat === 'B' && e.action.type === type);
    for (const e of [...fromB('question'), ...fromB('answer'), ...fromB('speech')]) {
      expect(e.meta?.agent).toBe('remote:py-debater');
      expect((e.meta?.remote as any)?.model).toBe('python-example');
    }
    // One question, to the opponent as it was when the openings began (round 1: judge, openings, cross, judge).
    const cross = state.rounds.find((r) => r.kind === 'cross')!;
    expect(fromB('question')).toHaveLength(1);
    expect(fromB('question')[0]!.action).toEqual({ type: 'question', text: expect.stringMatching(/^Quote the words of the passage that show answer \d/), round: 1 });
    expect(cross.questions!.find((q) => q.seat === 'B')).toMatchObject({ to: 'A', round: 1, timedOut: false });
    // One answer, to the built-in debater's question, its quote found in the passage.
    expect(fromB('answer')).toHaveLength(1);
    expect(cross.questions!.find((q) => q.to === 'B')).toMatchObject({ seat: 'A', timedOut: false });
    const answer = cross.speeches.find((s) => s.seat === 'B')!;
    expect(answer.timedOut).toBe(false);
    const quotes = answer.segments.filter((g) => g.kind === 'quote');
    expect(quotes.length).toBe(1);
    expect(quotes.every((g) => g.kind === 'quote' && g.verified)).toBe(true);
    expect(answer.quoteChars).toBeGreaterThanOrEqual(20);
    // The built-in debater's question and answer are there too; every first attempt of the Python agent was accepted.
    expect(record.events.filter((e) => e.seat === 'A' && (e.action.type === 'question' || e.action.type === 'answer'))).toHaveLength(2);
    const py = (await t.api('/api/agents/remote', { token: RESEARCHER_TOKEN })).body.agents.find((a: any) => a.name === 'py-debater');
    expect(py).toMatchObject({ refusals: 0, malformed: 0, timeouts: 0, forfeits: 0 });
  }, 90_000);

  it('self-play seats remote agents on the server: each debate a live session, resumable like any batch', async () => {
    const args = ['selfplay', '--server', t.http, '--token', RESEARCHER_TOKEN, '--debaters', 'remote:ts-debater/remote:py-debater', '--judges', 'builtin:passage-judge'];
    const batch = [...args, '--presets', 'debate,consultancy', '--scenario', 'the-lantern-room', '--seeds', '2', '--json', '--no-progress'];
    const first = JSON.parse(await runArena(...batch));
    expect(first).toMatchObject({ planned: 4, played: 4, skipped: 0, failed: 0, unfinished: 0 });
    const again = JSON.parse(await runArena(...batch));
    expect(again).toMatchObject({ planned: 4, played: 0, skipped: 4 });
    const listed = await t.api('/api/debates?source=selfplay', { token: RESEARCHER_TOKEN });
    expect(listed.body.total).toBe(4);
    for (const d of listed.body.debates) {
      const record = (await t.store.getTranscript(d.id))!;
      expect(record.header.source).toEqual({ name: 'selfplay' });
      expect(record.status).toBe('finished');
      const speeches = record.events.filter((e) => e.action.type === 'speech');
      expect(speeches.length).toBeGreaterThan(0);
      expect(speeches.every((e) => String(e.meta?.agent).startsWith('remote:'))).toBe(true);
    }
    // Agents the server cannot seat are refused before anything is played.
    await expect(runArena('selfplay', '--server', t.http, '--token', RESEARCHER_TOKEN, '--debaters', 'remote:nobody', '--presets', 'debate', '--seeds', '1')).rejects.toThrow(
      /400 unknown remote agent "nobody"/,
    );
  });

  it('a remote judge judges built-in debaters, and the raw frames it receives hold nothing beyond its seat\'s view', async () => {
    const judgeKey = await issue('ts-judge');
    const framesFile = join(mkdtempSync(join(tmpdir(), 'agent-frames-')), 'frames.jsonl');
    const judge = startTsAgent(t.http, 'ts-judge', judgeKey.key, 'play', framesFile);
    agents.push(judge);
    await judge.until((e) => e.event === 'welcome', 'welcome');
    const scenario = t.arena.services.scenarios.get('the-lantern-room')!;
    const created = await t.createDebate({
      scenarioId: scenario.id,
      preset: 'debate',
      seed: 'remote-judge-1',
      rules: { minSpeechRoundsBeforeEnd: 2 },
      seats: { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'remote:ts-judge' } },
    });
    const record = await finished(created.id);
    expect(record.status).toBe('finished');
    const judged = record.events.filter((e) => e.seat === 'judge');
    expect(judged.length).toBeGreaterThanOrEqual(3);
    expect(judged.every((e) => e.meta?.agent === 'remote:ts-judge')).toBe(true);

    // Every frame, parsed: socket.io packets of the /agents namespace (or engine.io's own).
    const frames = readFileSync(framesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string);
    const judgeViews = new Set<string>();
    replay(record.header, record.events, (state) => void judgeViews.add(JSON.stringify(viewFor(state, 'judge'))));
    let turns = 0;
    for (const frame of frames) {
      const m = /^42\/agents,\d*(\[.*\])$/s.exec(frame);
      if (!m) {
        // engine.io open/ping, socket.io connect: no payload beyond ids and timings.
        expect(frame).toMatch(/^(0\{"sid":"[^"]+","upgrades":\[\],"pingInterval":\d+,"pingTimeout":\d+,"maxPayload":\d+\}|2|40\/agents,\{"sid":"[^"]+"\})$/);
        continue;
      }
      const [type, payload] = JSON.parse(m[1]!) as [string, any];
      expect(['welcome', 'turn', 'cancel']).toContain(type);
      if (type !== 'turn') continue;
      turns++;
      expect(Object.keys(payload).sort()).toEqual(['attempt', 'deadline', 'debateId', 'legal', 'seat', 'turnId', 'view']);
      expect(payload.seat).toBe('judge');
      // The view is exactly one of the judge's views as the engine's gate gives it.
      expect(judgeViews.has(JSON.stringify(payload.view))).toBe(true);
      expect(payload.legal).toEqual(payload.view.legal);
    }
    expect(turns).toBe(judged.length);
    // And on the bytes: no passage sentence the debaters did not quote, no seed, no correct answer.
    const bytes = frames.join('\n');
    const last = JSON.parse([...judgeViews].at(-2)!);
    const quoted = (last.quotes as { text: string }[]).map((q) => q.text).join(' ');
    const unquoted = passageText(scenario).split(/(?<=[.!?])\s+|\n+/).filter((x) => x.length >= 40 && !quoted.includes(x));
    expect(unquoted.length).toBeGreaterThan(0);
    for (const sentence of unquoted) expect(bytes).not.toContain(sentence);
    expect(bytes).not.toContain('remote-judge-1');
    expect(bytes).not.toContain('correctIndex');
  });

  it('keys: a wrong key, a key for another name and another protocol version are refused with typed reasons; a revoked key is cut off', async () => {
    const wrong = startTsAgent(t.http, 'ts-debater', 'arena_knope_not-a-key');
    agents.push(wrong);
    expect(await wrong.until((e) => e.event === 'refused', 'refusal')).toMatchObject({ code: 'bad-key' });
    expect(await wrong.exited).toBe(2);

    const other = await issue('someone-else');
    const misnamed = startTsAgent(t.http, 'ts-debater', other.key);
    agents.push(misnamed);
    expect(await misnamed.until((e) => e.event === 'refused', 'refusal')).toMatchObject({ code: 'wrong-name' });

    const socket = io(`${t.http}/agents`, { transports: ['websocket'], reconnection: false, auth: { key: other.key, name: 'someone-else', protocol: 99 } });
    const refusal = await new Promise<any>((resolve) => socket.on('connect_error', (err: any) => resolve(err.data)));
    socket.close();
    expect(refusal).toEqual({ code: 'protocol-version', message: expect.stringMatching(/speaks agent protocol 1, the client 99/), serverProtocol: 1 });

    // Revoking: the connected agent is told and disconnected; the key is refused afterwards.
    const key = await issue('short-lived');
    const live = startTsAgent(t.http, 'short-lived', key.key);
    agents.push(live);
    await live.until((e) => e.event === 'welcome', 'welcome');
    const listed = await runArena('agents', 'keys', 'list', '--url', t.http, '--token', RESEARCHER_TOKEN);
    expect(listed).toMatch(new RegExp(`${key.id}\\s+short-lived\\s+issued .* active`));
    expect(listed).not.toContain(key.key);
    const revoked = await runArena('agents', 'keys', 'revoke', key.id, '--url', t.http, '--token', RESEARCHER_TOKEN);
    expect(revoked).toBe(`revoked ${key.id} (short-lived)`);
    expect(await live.until((e) => e.event === 'disconnected', 'disconnect')).toMatchObject({ reason: 'io server disconnect', closing: { code: 'key-revoked' } });
    const again = startTsAgent(t.http, 'short-lived', key.key);
    agents.push(again);
    expect(await again.until((e) => e.event === 'refused', 'refusal')).toMatchObject({ code: 'key-revoked' });
    // A name without a live key cannot be seated; nor can a name that never had one.
    for (const name of ['short-lived', 'never-issued']) {
      const res = await t.api('/api/debates', { method: 'POST', json: { scenarioId: 'the-quiet-relay', seats: { A: { kind: 'agent', agent: `remote:${name}` } } }, token: RESEARCHER_TOKEN });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(new RegExp(`unknown remote agent "${name}"`));
    }
    expect((await t.api('/api/agents', { token: RESEARCHER_TOKEN })).body.agents.map((a: any) => a.id)).not.toContain('remote:short-lived');
    // And without the token, no remote seat at all.
    const anonymous = await t.api('/api/debates', { method: 'POST', json: { scenarioId: 'the-quiet-relay', seats: { A: { kind: 'agent', agent: 'remote:ts-debater' } } } });
    expect(anonymous.status).toBe(403);
  });

  it('keys are for researchers only, kept hashed, and issued from the CLI too', async () => {
    expect((await t.api('/api/agents/keys', { method: 'POST', json: { name: 'x' } })).status).toBe(401);
    expect((await t.api('/api/agents/keys')).status).toBe(401);
    expect((await t.api('/api/agents/remote')).status).toBe(401);
    expect((await t.api('/api/agents/keys', { method: 'POST', json: { name: 'Bad Name!' }, token: RESEARCHER_TOKEN })).status).toBe(400);
    const printed = await runArena('agents', 'keys', 'issue', 'cli-agent', '--label', 'lab X', '--url', t.http, '--token', RESEARCHER_TOKEN, '--json');
    const issued = JSON.parse(printed);
    expect(issued).toMatchObject({ name: 'cli-agent', label: 'lab X', agent: 'remote:cli-agent', revokedAt: null });
    // The server's key store knows the key by its secret; that the database keeps only its hash is checked on every back end in store-contract.test.ts.
    expect(await t.stores.agentKeys.find(issued.key)).toMatchObject({ id: issued.id, name: 'cli-agent', label: 'lab X', revokedAt: null });
    // The researchers' view: every name with its counters; the debaters of the first test answered turns.
    const status = (await t.api('/api/agents/remote', { token: RESEARCHER_TOKEN })).body.agents;
    const ts = status.find((a: any) => a.name === 'ts-debater');
    expect(ts.connections).toHaveLength(1);
    expect(ts.turns).toBeGreaterThan(0);
    expect(ts.answered).toBe(ts.turns);
    expect(ts.latencyMs.n).toBe(ts.answered);
    expect(ts.latencyMs.p50).toBeGreaterThanOrEqual(0);
    expect(ts).toMatchObject({ refusals: 0, malformed: 0, timeouts: 0, forfeits: 0 });
  });
});
