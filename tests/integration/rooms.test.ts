import { matchMaker } from '@colyseus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebateRoom } from '../../server/src/rooms/debate-room.ts';
import { passageText, PROTOCOL_VERSION, replay, type DebateView, type Scenario } from '@arena/shared';
import { framesText, RESEARCHER_TOKEN, startArena, type SeatClient, type TestArena } from '../helpers/arena.ts';
import { judgeFavouring } from '../helpers/arena.ts';
import { sentences } from '../helpers/fixtures.ts';

let t: TestArena;
let scenario: Scenario;

beforeAll(async () => {
  t = await startArena();
  scenario = t.arena.services.scenarios.get('the-lantern-room')!;
});
afterAll(() => t.close());


async function seatAll(created: { id: string; seats: Record<string, { token?: string }> }) {
  const judge = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
  const debaters: Record<string, SeatClient> = {};
  for (const seat of Object.keys(created.seats).filter((s) => s !== 'judge')) {
    debaters[seat] = await t.join({ debateId: created.id, seat: seat as 'A', token: created.seats[seat]!.token! });
  }
  const observer = await t.join({ debateId: created.id, seat: 'observer' });
  return { judge, debaters, observer };
}

const p = judgeFavouring;

describe('a debate played with SDK clients', () => {
  it('runs to a stored verdict; the judge never receives hidden text or the answer before it', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'debate', seed: 'room-debate-1' });
    const { judge, debaters, observer } = await seatAll(created);
    await judge.myTurn();
    expect(judge.view.passage).toBeUndefined();
    expect(debaters.A!.view.passage?.text).toBe(passageText(scenario));

    await judge.act(p(judge.view, 0));
    const quoted = sentences(passageText(scenario))[2]!;
    await debaters.A!.myTurn();
    await debaters.A!.act({ type: 'speech', text: `Consider this: <quote>${quoted}</quote> It settles the matter.` });
    // The speech is not released to the judge until B has spoken too.
    expect(framesText(judge.frames())).not.toContain('It settles the matter');
    await debaters.B!.act({ type: 'speech', text: 'My opponent misreads the passage entirely.' });
    await judge.until((c) => c.view.legal.length > 0 && c.view.rounds[1]!.complete, 'the opening round');
    expect(framesText(judge.frames())).toContain('It settles the matter');

    await judge.act(p(judge.view, 0));
    const order = judge.view.speakingOrder;
    for (const seat of order) {
      await debaters[seat]!.myTurn();
      await debaters[seat]!.act({ type: 'speech', text: `Rebuttal from ${seat}.` });
    }
    await judge.myTurn();
    const framesBeforeVerdict = framesText(judge.frames());
    const observerBefore = framesText(observer.frames());
    const favour = judge.view.debaters.find((d) => d.seat === 'A')!.answerIndex;
    await judge.act(p(judge.view, favour, true));
    await judge.until((c) => c.view.status === 'finished', 'the verdict');

    // What must never reach the judge or an observer: passage sentences that nobody quoted, the answer, the seed.
    const judgeBytes = framesText(judge.frames());
    for (const text of [judgeBytes, framesText(observer.frames())]) {
      for (const s of sentences(passageText(scenario))) {
        if (s === quoted) expect(text).toContain(s);
        else expect(text).not.toContain(s);
      }
      expect(text).not.toContain('room-debate-1');
      expect(text).not.toContain('assignment');
    }
    for (const before of [framesBeforeVerdict, observerBefore]) {
      expect(before).not.toContain('correctIndex');
      expect(before).not.toContain('verdict');
    }

    const stored = (await t.store.getTranscript(created.id))!;
    expect(stored.status).toBe('finished');
    const replayed = replay(stored.header, stored.events);
    // The stored transcript replays to exactly the state the live room holds.
    const live = matchMaker.getLocalRoomById(created.id) as DebateRoom;
    expect(replayed).toEqual(live.engineState);
    expect(replayed.verdict).toEqual(stored.verdict);
    expect(replayed.verdict).toEqual(judge.view.verdict);
    expect(stored.verdict!.correct).toBe(favour === stored.header.assignment.correctIndex);
    // After the verdict, and only then, the judge learns the correct answer.
    expect(judge.view.correctIndex).toBe(stored.header.assignment.correctIndex);

    // The judge's transcript over HTTP is redacted like the live view, with no times at all.
    const steps = (await t.api(`/api/debates/${created.id}/transcript?seat=judge`)).body.steps as DebateView[];
    expect(steps.length).toBeGreaterThan(5);
    expect(steps.every((s) => s.turn === null || s.turn.deadline === null)).toBe(true);
    const stepBytes = JSON.stringify(steps);
    for (const s of sentences(passageText(scenario))) if (s !== quoted) expect(stepBytes).not.toContain(s);
    expect(JSON.stringify(steps.slice(0, -1))).not.toContain('correctIndex');
  });

  it('consultancy: one consultant, to a stored verdict, without leaks', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'consultancy', seed: 'room-consult-1' });
    expect(Object.keys(created.seats).sort()).toEqual(['A', 'judge']);
    const { judge, debaters } = await seatAll(created);
    await judge.myTurn();
    await judge.act(p(judge.view, 0));
    await debaters.A!.myTurn();
    await debaters.A!.act({ type: 'speech', text: 'Believe my answer; the passage supports it.' });
    await judge.myTurn();
    const before = framesText(judge.frames());
    await judge.act(p(judge.view, 1, true));
    await judge.until((c) => c.view.status === 'finished', 'the verdict');
    expect(before).not.toContain('correctIndex');
    for (const s of sentences(passageText(scenario))) expect(framesText(judge.frames())).not.toContain(s);
    expect((await t.store.getTranscript(created.id))!.status).toBe('finished');
  });

  it('blind: the judge decides from the question and answers alone', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'blind', seed: 'room-blind-1' });
    expect(Object.keys(created.seats)).toEqual(['judge']);
    const { judge } = await seatAll(created);
    await judge.myTurn();
    expect(judge.view.legal[0]).toMatchObject({ type: 'judge', canEnd: true, canContinue: false });
    const before = framesText(judge.frames());
    await judge.act(p(judge.view, 0, true));
    await judge.until((c) => c.view.status === 'finished', 'the verdict');
    expect(before).not.toContain('correctIndex');
    for (const s of sentences(passageText(scenario))) expect(framesText(judge.frames())).not.toContain(s);
    const stored = (await t.store.getTranscript(created.id))!;
    expect(stored.verdict?.continues).toBe(0);
  });
});

describe('refusals', () => {
  it('a wrong turn, an over-limit speech and a malformed payload get typed refusals and change nothing', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'debate', rules: { speechChars: 60, quoteChars: 20 } });
    const { judge, debaters } = await seatAll(created);
    await judge.myTurn();
    const events = async () => (await t.store.getTranscript(created.id))!.events.length;
    const n0 = await events();

    await debaters.A!.act({ type: 'speech', text: 'Too early.' });
    expect(debaters.A!.refusals.at(-1)).toMatchObject({ code: 'not-your-turn', about: 'speech' });
    await judge.act({ type: 'judge', probabilities: [0.5, 0.6], end: false });
    expect(judge.refusals.at(-1)?.code).toBe('bad-probabilities');
    await judge.act({ type: 'judge', probabilities: 'lots', end: false });
    expect(judge.refusals.at(-1)?.code).toBe('malformed');
    await judge.act({ type: 'teleport' });
    expect(judge.refusals.at(-1)?.code).toBe('malformed');
    judge.send('nonsense', { x: 1 });
    await judge.until((c) => c.refusals.at(-1)?.message.includes('unknown message type') ?? false, 'the unknown-type refusal');
    expect(await events()).toBe(n0);

    await judge.act(p(judge.view, 0));
    await debaters.A!.myTurn();
    await debaters.A!.act({ type: 'speech', text: 'x'.repeat(61) });
    expect(debaters.A!.refusals.at(-1)?.code).toBe('over-char-limit');
    const q = sentences(passageText(scenario))[0]!;
    await debaters.A!.act({ type: 'speech', text: `<quote>${q}</quote>` });
    expect(debaters.A!.refusals.at(-1)?.code).toMatch(/over-(quote|char)-limit/);
    expect(await events()).toBe(n0 + 1);
    expect(debaters.A!.view.legal).toHaveLength(1);
  });

  it('a long action within the rules (a 7,000-character comment in 2-byte letters) goes through', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'debate', rules: { judgeCommentChars: 8000 } });
    const { judge } = await seatAll(created);
    await judge.myTurn();
    await judge.act({ ...p(judge.view, 0), comment: 'é'.repeat(7000) });
    expect(judge.refusals).toHaveLength(0);
    expect(judge.view.rounds[0]!.judge?.comment).toHaveLength(7000);
  });

  it('a seat that is not yours, or taken, is refused with a typed code and a reason', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'debate', seats: { B: { kind: 'human', open: true } } });
    expect(await t.joinRefusal({ debateId: created.id, seat: 'judge', token: 'wrong-token' })).toEqual({ code: 'seat-not-yours', message: 'the link for seat judge is not valid' });
    expect(await t.joinRefusal({ debateId: created.id, seat: 'A' })).toEqual({ code: 'seat-not-yours', message: 'seat A needs its link' });
    expect((await t.joinRefusal({ debateId: created.id, seat: 'C' }))?.code).toBe('no-such-seat');
    expect(await t.joinRefusal({ debateId: created.id, seat: 'judge', bogus: 1 } as never)).toMatchObject({ code: 'malformed', message: expect.stringMatching(/malformed join options/) });
    expect((await t.joinRefusal({ debateId: created.id, seat: 'judge', protocol: 99 }))?.code).toBe('protocol-version');
    expect((await t.joinRefusal({ debateId: 'no-such-id', seat: 'judge' }))?.code).toBe('no-such-debate');
    const first = await t.join({ debateId: created.id, seat: 'B' });
    await first.until((c) => c.welcome !== null, 'welcome');
    expect(first.welcome!.token).toBe(created.seats.B!.token);
    expect(await t.joinRefusal({ debateId: created.id, seat: 'B' })).toEqual({ code: 'seat-taken', message: 'seat B has already been taken' });
  });
});

describe('connections', () => {
  it('a dropped debater reconnects and keeps the seat; a reload with the link takes it back', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'debate' });
    const { judge, debaters } = await seatAll(created);
    await judge.myTurn();
    await judge.act(p(judge.view, 0));
    const a = debaters.A!;
    await a.myTurn();
    const viewsBefore = a.views.length;
    // Drop the socket without leaving: the SDK reconnects within the window.
    (a.room.connection as unknown as { transport: { ws: WebSocket } }).transport.ws.close();
    await a.until((c) => c.views.length > viewsBefore, 'a view after reconnecting', 15_000);
    await a.act({ type: 'speech', text: 'Still here after the drop.' });
    expect(a.refusals).toHaveLength(0);

    // A reload: a new connection with the seat's token replaces the old one.
    const reloaded = await t.join({ debateId: created.id, seat: 'B', token: created.seats.B!.token! });
    await reloaded.myTurn();
    await reloaded.act({ type: 'speech', text: 'Back after a reload.' });
    expect(reloaded.refusals).toHaveLength(0);
    await judge.until((c) => c.view.rounds[1]?.complete === true, 'the released round');
  });

  it('a turn that runs out of time follows the rules: empty speeches, then the judge', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'debate', rules: { speechSeconds: 1 } });
    const { judge } = await seatAll(created);
    await judge.myTurn();
    await judge.act(p(judge.view, 0));
    expect(judge.view.turn?.kind).toBe('simultaneous');
    await judge.until((c) => c.view.turn?.kind === 'judge' && c.view.rounds.length === 3, 'the timed-out round', 5000);
    expect(judge.view.rounds[1]!.speeches.every((s) => s.timedOut)).toBe(true);
  });
});

describe('HTTP API', () => {
  it('serves health, scenarios without evidence, and refuses bad requests with a message', async () => {
    // Anyone learns that the server is up; how the store answers is for researchers (its latency is a timing signal).
    expect((await t.api('/api/health')).body).toEqual({ ok: true, protocol: PROTOCOL_VERSION });
    expect((await t.api('/api/health', { token: RESEARCHER_TOKEN })).body).toMatchObject({ ok: true, store: 'embedded', storeMs: expect.any(Number) });
    const scenarios = await t.api('/api/scenarios');
    expect(scenarios.body.scenarios.length).toBeGreaterThanOrEqual(12);
    const listing = JSON.stringify(scenarios.body);
    expect(listing).not.toContain(sentences(passageText(scenario))[0]!);
    expect(listing).not.toContain('correctIndex');
    const bad = await t.api('/api/debates', { method: 'POST', json: { scenarioId: scenario.id, preset: 'shouting' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/preset/);
    const missing = await t.api('/api/debates', { method: 'POST', json: { scenarioId: 'nope' } });
    expect(missing.status).toBe(404);
    const mismatch = await t.api('/api/debates', { method: 'POST', json: { scenarioId: scenario.id, preset: 'pixels' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toMatch(/cannot be played over passage evidence/);
    const rules = await t.api('/api/debates', { method: 'POST', json: { scenarioId: scenario.id, rules: { quoteChars: 5000 } } });
    expect(rules.status).toBe(400);
    expect(rules.body.error).toMatch(/quoteChars/);
    expect((await t.api('/api/debates/nope')).status).toBe(404);
  });

  it('gives the full view of an unfinished debate to its debaters (their own seat) and researchers only', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'debate' });
    const hidden = sentences(passageText(scenario))[5]!;
    const judgeView = await t.api(`/api/debates/${created.id}/transcript?seat=judge`);
    expect(judgeView.status).toBe(200);
    expect(JSON.stringify(judgeView.body)).not.toContain(hidden);
    expect((await t.api(`/api/debates/${created.id}/transcript?seat=full`)).status).toBe(403);
    expect((await t.api(`/api/debates/${created.id}/transcript?seat=full`, { token: created.seats.judge!.token })).status).toBe(403);
    expect((await t.api(`/api/debates/${created.id}/view?seat=A`)).status).toBe(403);
    // A debater reads its own seat, never the full record (which holds the other side's unreleased speech and the seed).
    expect((await t.api(`/api/debates/${created.id}/transcript?seat=full`, { token: created.seats.A!.token })).status).toBe(403);
    expect((await t.api(`/api/debates/${created.id}/transcript?seat=B`, { token: created.seats.A!.token })).status).toBe(403);
    expect((await t.api(`/api/debates/${created.id}/transcript?seat=A`, { token: created.seats.A!.token })).status).toBe(200);
    const asDebater = await t.api(`/api/debates/${created.id}/view?seat=A`, { token: created.seats.A!.token });
    expect(asDebater.status).toBe(200);
    expect(JSON.stringify(asDebater.body)).toContain(hidden);
    expect((await t.api(`/api/debates/${created.id}/transcript?seat=full`, { token: RESEARCHER_TOKEN })).status).toBe(200);
    expect((await t.api(`/api/debates/${created.id}/view?seat=D`)).status).toBe(404);
    const tooMuch = await t.api('/api/debates', { method: 'POST', json: { scenarioId: scenario.id, meta: { note: 'x'.repeat(20_000) } } });
    expect(tooMuch.status).toBe(400);
  });

  it('exports transcripts as JSON Lines for researchers, valid against the published schema', async () => {
    expect((await t.api('/api/export.jsonl')).status).toBe(401);
    const res = await t.api<string>('/api/export.jsonl', { token: RESEARCHER_TOKEN });
    expect(res.status).toBe(200);
    const lines = String(res.body).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(await t.store.countDebates());
    const { TranscriptSchema } = await import('@arena/shared');
    for (const line of lines) expect(TranscriptSchema.safeParse(line).success).toBe(true);
    const schema = await t.api('/api/schema/transcript.json');
    expect(schema.body.$schema).toContain('2020-12');
    const list = await t.api('/api/debates?status=finished');
    expect(list.body.debates.every((d: { status: string; outcome: unknown }) => d.status === 'finished' && d.outcome)).toBe(true);
  });
});
