import { matchMaker } from '@colyseus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, replay, type DebateView, type Scenario } from '@arena/shared';
import type { DebateRoom } from '../../server/src/rooms/debate-room.ts';
import { framesText, startArena, type SeatClient, type TestArena } from '../helpers/arena.ts';

let t: TestArena;
let scenario: Scenario;
let hex: string;

beforeAll(async () => {
  t = await startArena();
  scenario = [...t.arena.services.scenarios.values()].find((s) => s.pack === 'mnist')!;
  if (scenario.evidence.kind !== 'image') throw new Error('expected an image scenario');
  hex = scenario.evidence.pixels;
});
afterAll(() => t.close());

const inked = () => {
  const img = decodeImage(28, 28, hex);
  return Array.from(img.values).flatMap((v, i) => (v > 0 ? [i] : []));
};

/**
 * Every 8-hex-digit window of the scenario's pixel string that covers an unrevealed
 * inked pixel (the window starts at any hex digit, not only at pixel boundaries) must be
 * absent from the bytes. Windows made only of blank pixels ("00000000") say nothing.
 */
function leakedWindows(bytes: string, revealed: ReadonlySet<number>): string[] {
  const img = decodeImage(28, 28, hex);
  const leaks = new Set<string>();
  for (let start = 0; start + 8 <= hex.length; start++) {
    const first = Math.floor(start / 2);
    const last = Math.floor((start + 7) / 2);
    let covers = false;
    for (let p = first; p <= last; p++) if ((img.values[p] ?? 0) > 0 && !revealed.has(p)) covers = true;
    if (!covers) continue;
    const w = hex.slice(start, start + 8);
    if (bytes.includes(w)) leaks.add(`${start}:${w}`);
  }
  return [...leaks];
}

function checkJudgeBytesBeforeVerdict(judge: SeatClient, revealed: ReadonlySet<number>) {
  const bytes = framesText(judge.frames());
  // "image" occurs only as the value of evidenceKind (msgpack: the key, one length byte, the value), never as a field.
  expect(bytes).toMatch(/evidenceKind.image/);
  expect(bytes.replace(/evidenceKind.image/g, '')).not.toContain('image');
  expect(bytes).not.toContain('correctIndex');
  expect(bytes).not.toContain('verdict');
  expect(leakedWindows(bytes, revealed)).toEqual([]);
  // The check is live: the whole pixel string would be caught.
  expect(leakedWindows(hex, revealed).length).toBeGreaterThan(0);
}

const favour = (v: DebateView, i: number) => ({ type: 'judge', probabilities: v.answers.map((_, j) => (j === i ? 0.8 : 0.2)), end: true, comment: 'decided' });

async function expectStoredReplay(id: string, judge: SeatClient) {
  const stored = (await t.store.getTranscript(id))!;
  expect(stored.status).toBe('finished');
  const replayed = replay(stored.header, stored.events);
  const live = matchMaker.getLocalRoomById(id) as DebateRoom;
  expect(replayed).toEqual(live.engineState);
  expect(replayed.verdict).toEqual(stored.verdict);
  expect(replayed.verdict).toEqual(judge.view.verdict);
  return stored;
}

describe('pixel debates in live rooms', () => {
  it('lists the MNIST pack with image scenarios', async () => {
    const res = await t.api<{ scenarios: { id: string; pack: string; evidenceKind: string; words: number }[] }>('/api/scenarios');
    const mnist = res.body.scenarios.filter((s) => s.pack === 'mnist');
    expect(mnist).toHaveLength(40);
    for (const s of mnist) expect(s).toMatchObject({ evidenceKind: 'image', words: 0 });
    const presets = await t.api<{ agents: string[] }>('/api/presets');
    expect(presets.body.agents).toEqual(expect.arrayContaining(['builtin:pixel-debater', 'builtin:pixel-judge']));
  });

  it('two SDK debaters reveal pixels to an SDK judge: a stored verdict that replays exactly, no leak before it', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'pixels', seed: 'px-room-1' });
    expect(Object.keys(created.seats).sort()).toEqual(['A', 'B', 'judge']);
    const judge = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    const A = await t.join({ debateId: created.id, seat: 'A', token: created.seats.A!.token! });
    const B = await t.join({ debateId: created.id, seat: 'B', token: created.seats.B!.token! });
    const debaters = { A, B };
    await A.until((c) => c.views.length > 0 && c.view.status === 'running', 'the start');
    expect(A.view.image?.pixels).toBe(hex);
    expect(judge.view.image).toBeUndefined();
    expect(judge.view.evidenceKind).toBe('image');

    const pixels = inked();
    // Spread picks over the digit.
    const picks = [0, 1, 2, 3, 4, 5].map((i) => pixels[Math.floor(((i + 0.5) * pixels.length) / 6)]!);
    const revealed = new Set<number>();
    let n = 0;
    for (let round = 0; round < 3; round++) {
      for (const seat of A.view.speakingOrder) {
        const me = debaters[seat as 'A' | 'B'];
        await me.myTurn();
        const index = picks[n++]!;
        // A blank pixel is refused with the engine's reason.
        if (n === 1) {
          const blank = pixels.includes(0) ? 1 : 0;
          await me.act({ type: 'speech', segments: [{ reveal: blank }] });
          expect(me.refusals.at(-1)).toMatchObject({ code: 'bad-reveal' });
        }
        await me.act({ type: 'speech', segments: [{ reveal: index }, { text: ` pixel ${n}` }] });
        revealed.add(index);
      }
      await judge.until((c) => c.view.reveals.length === revealed.size, `round ${round + 1} reveals`);
      expect(judge.view.reveals.map((r) => r.index)).toEqual([...revealed]);
    }
    await judge.myTurn();
    expect(judge.view.legal[0]).toMatchObject({ type: 'judge', canEnd: true, canContinue: false });
    checkJudgeBytesBeforeVerdict(judge, revealed);

    const correctSeat = (Object.keys(debaters) as ('A' | 'B')[]).find((s) => A.view.debaters.find((d) => d.seat === s)!.answerIndex === A.view.correctIndex)!;
    await judge.act(favour(judge.view, judge.view.debaters.find((d) => d.seat === correctSeat)!.answerIndex));
    await judge.until((c) => c.view.status === 'finished', 'the verdict');
    expect(judge.view.image?.pixels).toBe(hex);
    expect(framesText(judge.frames())).toContain(hex);
    const stored = await expectStoredReplay(created.id, judge);
    expect(stored.verdict!.correct).toBe(true);
  });

  it('a person against builtin:pixel-debater, judged by builtin:pixel-judge', async () => {
    const created = await t.createDebate({
      scenarioId: scenario.id,
      preset: 'pixels',
      seed: 'px-room-ai',
      seats: { B: { kind: 'agent', agent: 'builtin:pixel-debater' }, judge: { kind: 'agent', agent: 'builtin:pixel-judge' } },
    });
    expect(created.seats.B!.token).toBeUndefined();
    const observer = await t.join({ debateId: created.id, seat: 'observer' });
    const A = await t.join({ debateId: created.id, seat: 'A', token: created.seats.A!.token! });
    const pixels = inked();
    const started = Date.now();
    for (let round = 0; round < 3; round++) {
      await A.until((c) => c.views.length > 0 && (c.view.legal.length > 0 || c.view.status === 'finished'), `turn ${round + 1}`, 20_000);
      const taken = new Set(A.view.reveals.map((r) => r.index));
      const index = pixels.find((p) => !taken.has(p))!;
      await A.act({ type: 'speech', segments: [{ reveal: index }, { text: 'ink here' }] });
      expect(A.refusals).toEqual([]);
    }
    await A.until((c) => c.view.status === 'finished', 'the verdict', 20_000);
    const elapsed = Date.now() - started;
    const reveals = A.view.reveals;
    expect(reveals).toHaveLength(6);
    expect(reveals.filter((r) => r.seat === 'B')).toHaveLength(3);
    const stored = (await t.store.getTranscript(created.id))!;
    const agentMoves = stored.events.filter((e) => e.seat === 'B');
    expect(agentMoves).toHaveLength(3);
    for (const e of agentMoves) expect(e.meta).toMatchObject({ agent: 'builtin:pixel-debater', rollouts: 200 });
    const judgeEvent = stored.events.find((e) => e.seat === 'judge')!;
    expect(judgeEvent.meta).toMatchObject({ agent: 'builtin:pixel-judge', k: 6 });
    const ms = agentMoves.map((e) => Number((e.meta as { ms: number }).ms));
    console.log(`pixel-debater move times in the live room: ${ms.join(', ')} ms; whole debate ${elapsed} ms`);
    await observer.until((c) => c.view.status === 'finished', 'the verdict');
    expect(observer.view.image?.pixels).toBe(hex);
    await expectStoredReplay(created.id, A);
  });
});
