/**
 * Forks against the real server: a stored debate forked at every event index (of a
 * debate and of a debate with cross-examination) gives debates whose first events are
 * the parent's, which play on live to a verdict with built-in agents; forks are private,
 * researcher-only to make, and their tree names parent and event; `arena fork` plays a
 * fork of a stored debate at once into the local database.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay, type TranscriptRecord } from '@arena/shared';
import { openStores } from '../../server/src/stores.ts';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { runArena } from '../helpers/cli.ts';

let t: TestArena;
let scenarioId: string;

beforeAll(async () => {
  t = await startArena();
  scenarioId = [...t.arena.services.scenarios.values()].find((s) => s.evidence.kind === 'passage' && s.answers.length === 2)!.id;
});
afterAll(() => t.close());

const AGENTS = { A: { kind: 'agent', agent: 'builtin:passage-debater' }, B: { kind: 'agent', agent: 'builtin:passage-debater' }, judge: { kind: 'agent', agent: 'builtin:passage-judge' } };

async function finished(id: string, ms = 30_000): Promise<TranscriptRecord> {
  const until = Date.now() + ms;
  for (;;) {
    const record = await t.store.getTranscript(id);
    if (record && record.status !== 'waiting' && record.status !== 'running') return record;
    if (Date.now() > until) throw new Error(`debate ${id} did not finish (${record?.status})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function playedDebate(preset: string, seed: string): Promise<TranscriptRecord> {
  const created = await t.createDebate({ scenarioId, preset, seats: AGENTS, seed });
  return finished(created.id);
}

describe('forks', () => {
  it('at every event index of a debate and of a cross-examination: the first events are the parent’s, and each fork plays on to a verdict', async () => {
    for (const preset of ['debate', 'debate-cross-exam']) {
      const parent = await playedDebate(preset, `fork-parent-${preset}`);
      expect(parent.status).toBe('finished');
      const forks: { id: string; at: number }[] = [];
      for (let at = 0; at < parent.events.length; at++) {
        // Alternate: the same agents with another seed, and another debater.
        const seats = at % 2 ? { A: { kind: 'agent', agent: 'builtin:random' } } : {};
        const res = await t.api(`/api/debates/${parent.header.id}/fork`, { method: 'POST', token: RESEARCHER_TOKEN, json: { at, seats, seed: `fork-${at}` } });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect(res.body).toMatchObject({ visibility: 'private', parent: { id: parent.header.id, at } });
        forks.push({ id: res.body.id, at });
      }
      // Forking past the verdict is refused: the debate is over there.
      const over = await t.api(`/api/debates/${parent.header.id}/fork`, { method: 'POST', token: RESEARCHER_TOKEN, json: { at: parent.events.length } });
      expect(over.status).toBe(409);
      for (const { id, at } of forks) {
        const fork = await finished(id);
        expect(fork.status, `fork at ${at}`).toBe('finished');
        expect(fork.events.slice(0, at), `fork at ${at}`).toEqual(parent.events.slice(0, at));
        expect(fork.header).toMatchObject({ parent: { id: parent.header.id, at }, provenance: 'fork', seed: `fork-${at}`, assignment: parent.header.assignment, scenario: parent.header.scenario });
        // A fork that starts mid-turn resumes it (the copied deadline is past); one that starts before the start waits, then starts.
        const next = fork.events[at];
        expect(next?.action.type, `fork at ${at}`).toBe(at === 0 ? 'start' : 'resume');
        expect(replay(fork.header, fork.events).verdict).toEqual(fork.verdict);
      }
      if (preset === 'debate-cross-exam') {
        const asked = forks.filter(({ at }) => parent.events.slice(0, at).some((e) => e.action.type === 'question'));
        expect(asked.length).toBeGreaterThan(0);
      }
      const tree = await t.api(`/api/debates/${forks[3]!.id}/forks`, { token: RESEARCHER_TOKEN });
      expect(tree.status).toBe(200);
      expect(tree.body.root).toBe(parent.header.id);
      expect(tree.body.debates[0]).toMatchObject({ id: parent.header.id, parent: null });
      expect(tree.body.debates.slice(1).map((d: { parent: { at: number } }) => d.parent.at).sort((a: number, b: number) => a - b)).toEqual(forks.map((f) => f.at));
    }
  }, 180_000);

  it('are researchers’ only, private, and name nothing of the parent to their participants', async () => {
    // A private parent: any mention of its id to the fork's judge would be a pointer to it.
    const parent = await t.createDebate({ scenarioId, preset: 'debate-cross-exam', seats: AGENTS, seed: 'private-parent', visibility: 'private' });
    const record = await finished(parent.id);
    const at = record.events.findIndex((e) => e.action.type === 'question') + 1;
    for (const token of [undefined, 'not-the-token']) {
      const res = await t.api(`/api/debates/${parent.id}/fork`, { method: 'POST', json: { at }, ...(token ? { token } : {}) });
      expect(res.status).toBe(401);
      expect((await t.api(`/api/debates/${parent.id}/forks`, token ? { token } : {})).status).toBe(401);
    }
    const bad = await t.api(`/api/debates/${parent.id}/fork`, { method: 'POST', token: RESEARCHER_TOKEN, json: { at: -1 } });
    expect(bad.status).toBe(400);
    const unknown = await t.api(`/api/debates/${parent.id}/fork`, { method: 'POST', token: RESEARCHER_TOKEN, json: { at, seats: { A: { kind: 'agent', agent: 'builtin:nobody' } } } });
    expect(unknown.status).toBe(400);
    const res = await t.api(`/api/debates/${parent.id}/fork`, { method: 'POST', token: RESEARCHER_TOKEN, json: { at, seats: { judge: { kind: 'human' } } } });
    expect(res.status).toBe(201);
    const { id } = res.body;
    const judgeToken: string = res.body.seats.judge.token;
    // A fork's seat token opens nothing to fork with.
    expect((await t.api(`/api/debates/${id}/fork`, { method: 'POST', token: judgeToken, json: { at: 0 } })).status).toBe(401);
    // Private: unlisted, and to strangers it does not exist.
    expect((await t.api(`/api/debates/${id}`)).status).toBe(404);
    expect((await t.api('/api/debates?limit=1000')).body.debates.map((d: { id: string }) => d.id)).not.toContain(id);
    const judge = await t.join({ debateId: id, seat: 'judge', token: judgeToken });
    await judge.myTurn();
    const seen: string[] = [];
    for (const path of [`/api/debates/${id}`, `/api/debates/${id}/view?seat=judge`, `/api/debates/${id}/transcript?seat=judge`, `/api/debates/${id}/transcript?seat=full`, '/api/debates?limit=1000']) {
      seen.push(JSON.stringify((await t.api(path, { token: judgeToken })).body));
    }
    expect(judge.view.debateId).toBe(id);
    expect(judge.view.turn?.deadline).toBeGreaterThan(Date.now());
    for (const bytes of [...seen, JSON.stringify(judge.views)]) expect(bytes).not.toContain(parent.id);
    await judge.leave();
  }, 60_000);

  it('arena fork plays a fork of a stored debate at once into the local database, and arena fork --server makes a live one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arena-fork-'));
    await runArena('selfplay', '--presets', 'debate-cross-exam', '--scenario', scenarioId, '--seeds', '1', '--data-dir', dir, '--json', '--no-progress');
    let stores = await openStores({ dataDir: join(dir, 'db') });
    const [parent] = await stores.debates.listDebates({});
    const original = (await stores.debates.getTranscript(parent!.id))!;
    await stores.close();
    const out = JSON.parse(await runArena('fork', parent!.id, '--at', '5', '--seat', 'A=builtin:random', '--seed', 'cli', '--data-dir', dir, '--json'));
    expect(out).toMatchObject({ parent: { id: parent!.id, at: 5 }, status: 'finished' });
    stores = await openStores({ dataDir: join(dir, 'db') });
    const fork = (await stores.debates.getTranscript(out.id))!;
    await stores.close();
    expect(fork.events.slice(0, 5)).toEqual(original.events.slice(0, 5));
    expect(fork.header.seats.A).toEqual({ kind: 'agent', agent: 'builtin:random' });
    // Reports count the fork only when asked for it: it repeats the parent's first events.
    const counted = async (...filter: string[]) => (JSON.parse(await runArena('report', '--data-dir', dir, '--json', ...filter)) as { finished: number }).finished;
    expect(await counted()).toBe(1);
    expect(await counted('--provenance', 'fork')).toBe(1);
    expect(await counted('--provenance', 'selfplay')).toBe(1);
    await expect(runArena('fork', parent!.id, '--at', '5', '--seat', 'judge=human', '--data-dir', dir)).rejects.toThrow(/--server/);
    await expect(runArena('fork', parent!.id, '--at', String(original.events.length), '--data-dir', dir)).rejects.toThrow(/fork at fewer|fork at 0 to/);
    // --at is a whole number as written: an empty one, a sign, a fraction, spaces or an exponent are refused, not read as another number.
    for (const at of ['', ' ', '-1', '+5', '5.0', '1e1', ' 5', '0x5', 'five']) {
      await expect(runArena('fork', parent!.id, '--at', at, '--data-dir', dir), JSON.stringify(at)).rejects.toThrow(/--at .*a whole number, 0 or more/);
    }
    // On a running server, with a person's seat: the links come back.
    const live = await t.createDebate({ scenarioId, preset: 'debate', seats: AGENTS, seed: 'cli-live' });
    await finished(live.id);
    const printed = await runArena('fork', live.id, '--at', '3', '--seat', 'judge=human', '--server', t.http, '--token', RESEARCHER_TOKEN);
    expect(printed).toMatch(new RegExp(`fork \\S+ of ${live.id} at event 3`));
    expect(printed).toMatch(/judge: http:\/\/127\.0\.0\.1:\d+\/debate\/\S+\/judge\?token=/);
  }, 60_000);
});
