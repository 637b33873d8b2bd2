/**
 * Re-judging by a person: POST /api/rejudge on the real server gives judge links; a
 * judge connected with the SDK through the link's token hears the original speeches,
 * played by replay agents in the live room, round by round, and never receives an
 * unquoted sentence of the story. Also: an AI judge over HTTP, the list of re-judgings,
 * and refusals.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passageText, replay, type DebateEvent, type TranscriptRecord } from '@arena/shared';
import { convertFile, metadataFile, readMetadata } from '../../server/src/importers/nyu/import.ts';
import { framesText, RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { NYU_FIXTURE, writeNyuFixture } from '../helpers/nyu-fixture.ts';

const ORIGINAL = `nyu-${NYU_FIXTURE.debate}`;

let t: TestArena;
let original: TranscriptRecord;

function speechesOf(record: TranscriptRecord): [number, string, DebateEvent['action']][] {
  const out: [number, string, DebateEvent['action']][] = [];
  let round = 0;
  replay(record.header, record.events, (state, e) => {
    if (e.action.type === 'speech') out.push([round, e.seat, e.action]);
    round = state.speechRounds;
  });
  return out;
}

beforeAll(async () => {
  t = await startArena();
  const rooms = writeNyuFixture(mkdtempSync(join(tmpdir(), 'rejudge-http-')), [NYU_FIXTURE.debate]);
  const r = await convertFile(join(rooms, `${NYU_FIXTURE.debate}.json`), await readMetadata(metadataFile(rooms)));
  if ('error' in r) throw new Error(r.error);
  original = r.room.record;
  await t.store.saveTranscript(original, 'public');
});
afterAll(() => t.close());

const rejudge = (json: unknown, token: string | undefined = RESEARCHER_TOKEN) => t.api('/api/rejudge', { method: 'POST', json, ...(token ? { token } : {}) });

describe('re-judging by a person over the browser link', () => {
  it('gives judge links; the judge hears the original speeches round by round and no hidden sentence', async () => {
    const res = await rejudge({ debateId: ORIGINAL, count: 2 });
    expect(res.status).toBe(201);
    expect(res.body.rejudgeOf).toBe(ORIGINAL);
    expect(res.body.debates).toHaveLength(2);
    const [first] = res.body.debates as { id: string; path: string; token: string }[];
    expect(first!.path).toBe(`/debate/${first!.id}/judge?token=${first!.token}`);

    const judge = await t.join({ debateId: first!.id, seat: 'judge', token: new URL(first!.path, t.http).searchParams.get('token')! });
    for (let turn = 0; turn < 10; turn++) {
      await judge.until((c) => c.views.length > 0 && (c.view.legal.length > 0 || c.view.status === 'finished'), 'its turn or the end', 15_000);
      if (judge.view.status === 'finished') break;
      const legal = judge.view.legal[0]!;
      expect(legal.type).toBe('judge');
      const end = legal.type === 'judge' && !legal.canContinue;
      await judge.act({ type: 'judge', probabilities: [0.4, 0.6], end });
      expect(judge.refusals).toHaveLength(0);
    }
    await judge.until((c) => c.view.status === 'finished', 'the verdict', 15_000);
    // The original had two speech rounds: the new judge could not ask for a third.
    expect(judge.view.speechRounds).toBe(2);
    expect(judge.view.rounds.filter((r) => r.kind !== 'judge').every((r) => r.speeches.length === 2 && r.speeches.every((s) => !s.timedOut))).toBe(true);

    const stored = (await t.store.getTranscript(first!.id))!;
    expect(stored.header.meta?.['rejudgeOf']).toBe(ORIGINAL);
    expect(replay(stored.header, stored.events).verdict).toEqual(stored.verdict);
    expect(speechesOf(stored).sort()).toEqual(speechesOf(original).sort());

    // Every byte the judge received: no story sentence that was neither quoted nor written by a debater.
    const bytes = framesText(judge.frames());
    const seen = judge.view.rounds.flatMap((r) => r.speeches.flatMap((s) => s.segments.map((g) => ('text' in g ? g.text : '')))).join(' ');
    const hidden = passageText(original.header.scenario)
      .split(/(?<=[.!?])\s+|\n+/)
      .map((s) => s.trim())
      .filter((s) => s.length >= 40 && !seen.includes(s));
    expect(hidden.length).toBeGreaterThan(20);
    for (const s of hidden) expect(bytes).not.toContain(s);

    const list = await t.api(`/api/debates/${ORIGINAL}/rejudges`, { token: RESEARCHER_TOKEN });
    expect(list.status).toBe(200);
    expect(list.body.rejudges.map((r: { id: string }) => r.id).sort()).toEqual(res.body.debates.map((d: { id: string }) => d.id).sort());
    expect(list.body.rejudges.find((r: { id: string }) => r.id === first!.id)).toMatchObject({ status: 'finished', judge: 'human' });
    expect((await t.api(`/api/debates/${ORIGINAL}/rejudges`)).status).toBe(401);
  });

  it('an AI judge re-judges over HTTP at once', async () => {
    const res = await rejudge({ debateId: ORIGINAL, judge: { kind: 'agent', agent: 'builtin:passage-judge' } });
    expect(res.status).toBe(201);
    const id = res.body.debates[0].id as string;
    const stored = (await t.store.getTranscript(id))!;
    expect(stored.status).toBe('finished');
    expect(stored.header.seats.judge).toEqual({ kind: 'agent', agent: 'builtin:passage-judge' });
    const heard = replay(stored.header, stored.events).speechRounds;
    expect(speechesOf(stored).sort()).toEqual(speechesOf(original).filter(([round]) => round < heard).sort());
  });

  it('refuses bad requests with a clear 4xx', async () => {
    expect((await rejudge({ debateId: ORIGINAL }, '')).status).toBe(401);
    const missing = await rejudge({ debateId: 'no-such-debate' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/no debate/);
    expect((await rejudge({ debateId: ORIGINAL, count: 0 })).status).toBe(400);
    expect((await rejudge({ debateId: ORIGINAL, judge: { kind: 'agent' } })).status).toBe(400);
    const unknown = await rejudge({ debateId: ORIGINAL, judge: { kind: 'agent', agent: 'nobody:here' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/unknown agent/);
    const fresh = await t.createDebate({ scenarioId: 'the-lantern-room', preset: 'debate', seed: 'rejudge-empty' });
    const empty = await rejudge({ debateId: fresh.id });
    expect(empty.status).toBe(422);
    expect(empty.body.error).toMatch(/no completed speech round/);
  });
});
