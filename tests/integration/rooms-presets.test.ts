/**
 * The expert judge and the open protocols, played in live rooms with real SDK clients
 * (people and agent seats), to stored verdicts; the judge's bytes are searched for
 * what its protocol hides.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passageText, replay, sidesOf, type Scenario } from '@arena/shared';
import { framesText, startArena, type SeatClient, type TestArena } from '../helpers/arena.ts';
import { judgeFavouring } from '../helpers/arena.ts';
import { sentences } from '../helpers/fixtures.ts';

let t: TestArena;
let scenario: Scenario;

beforeAll(async () => {
  t = await startArena();
  scenario = t.arena.services.scenarios.get('the-lantern-room')!;
});
afterAll(() => t.close());

const p = judgeFavouring;

describe('the expert judge in a room', () => {
  it('the judge reads the passage from the start, never the answer before the verdict, and the verdict is stored', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'expert', seed: 'room-expert-1' });
    expect(Object.keys(created.seats)).toEqual(['judge']);
    const judge = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    const observer = await t.join({ debateId: created.id, seat: 'observer' });
    await judge.myTurn();
    expect(judge.view.passage?.text).toBe(passageText(scenario));
    await observer.until((c) => c.views.length > 0, 'a view');
    expect(observer.view.passage?.text).toBe(passageText(scenario));
    const before = framesText(judge.frames());
    expect(before).toContain(sentences(passageText(scenario))[0]);
    expect(before).not.toContain('correctIndex');
    expect(before).not.toContain('room-expert-1');
    await judge.act(p(judge.view, 1, true));
    await judge.until((c) => c.view.status === 'finished', 'the verdict');
    const stored = (await t.store.getTranscript(created.id))!;
    expect(stored.status).toBe('finished');
    expect(stored.verdict!.correct).toBe(stored.header.assignment.correctIndex === 1);
    await observer.leave();
    await judge.leave();
  });
});

describe('open consultancy in a room', () => {
  it('the consultant chooses its answer first; the judge learns the side only then, and never the answer before the verdict', async () => {
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'open-consultancy', seed: 'room-open-consult-1' });
    expect(Object.keys(created.seats).sort()).toEqual(['A', 'judge']);
    const judge = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    const consultant = await t.join({ debateId: created.id, seat: 'A', token: created.seats.A!.token! });
    await consultant.myTurn();
    expect(consultant.view.legal).toEqual([{ type: 'choose', answers: scenario.answers.length }]);
    await judge.until((c) => c.views.length > 0 && c.view.status === 'running', 'the start');
    expect(judge.view.debaters).toEqual([]);
    expect(judge.view.turn).toMatchObject({ kind: 'choose', toMove: ['A'] });
    // The judge cannot choose a side, nor judge before the choice.
    await judge.act({ type: 'choose', answer: 0 });
    expect(judge.refusals.at(-1)?.code).toBe('not-your-role');
    await judge.act(p(judge.view, 0));
    expect(judge.refusals.at(-1)?.code).toBe('not-your-turn');
    // A speech before the choice is refused too.
    await consultant.act({ type: 'speech', text: 'Too early.' });
    expect(consultant.refusals.at(-1)?.code).toBe('not-your-turn');

    const wrong = consultant.view.answers.findIndex((_, i) => i !== consultant.view.correctIndex);
    await consultant.act({ type: 'choose', answer: wrong });
    await judge.myTurn();
    expect(judge.view.debaters).toEqual([{ seat: 'A', answerIndex: wrong }]);
    expect(judge.view.rounds[0]).toMatchObject({ kind: 'choose', choice: { seat: 'A', answerIndex: wrong, timedOut: false } });
    await judge.act(p(judge.view, 0));
    await consultant.myTurn();
    const quoted = sentences(passageText(scenario))[1]!;
    await consultant.act({ type: 'speech', text: `I chose this answer: <quote>${quoted}</quote>` });
    await judge.myTurn();
    const before = framesText(judge.frames());
    await judge.act(p(judge.view, wrong, true));
    await judge.until((c) => c.view.status === 'finished', 'the verdict');
    expect(before).not.toContain('correctIndex');
    for (const s of sentences(passageText(scenario))) if (s !== quoted) expect(framesText(judge.frames())).not.toContain(s);

    const stored = (await t.store.getTranscript(created.id))!;
    expect(stored.status).toBe('finished');
    const choose = stored.events.find((e) => e.action.type === 'choose')!;
    expect(choose).toMatchObject({ seat: 'A', action: { type: 'choose', answer: wrong } });
    expect(stored.verdict!.correct).toBe(false);
    expect(stored.verdict!.debaterScores.A).toBeCloseTo(Math.log2(0.7));
    await consultant.leave();
    await judge.leave();
  });
});

describe('open debate in a room', () => {
  it('agent debaters choose and argue; a person judges to a stored verdict; the sides follow the recorded choice', async () => {
    const agent = { kind: 'agent', agent: 'builtin:passage-debater' };
    const created = await t.createDebate({ scenarioId: scenario.id, preset: 'open-debate', seed: 'room-open-debate-1', seats: { A: agent, B: agent } });
    const judge: SeatClient = await t.join({ debateId: created.id, seat: 'judge', token: created.seats.judge!.token! });
    await judge.myTurn();
    // The prior comes after the choice: the sides are known.
    expect(judge.view.rounds[0]?.kind).toBe('choose');
    expect(judge.view.debaters.map((d) => d.answerIndex).sort()).toEqual(scenario.answers.map((_, i) => i));
    for (let turn = 0; turn < 12 && judge.view.status !== 'finished'; turn++) {
      const legal = judge.view.legal.find((l) => l.type === 'judge');
      if (legal?.type === 'judge') await judge.act(p(judge.view, 0, legal.canEnd && judge.view.speechRounds >= 2));
      await judge.until((c) => c.view.status === 'finished' || c.view.legal.length > 0, 'its turn or the verdict', 20_000);
    }
    await judge.until((c) => c.view.status === 'finished', 'the verdict');
    const stored = (await t.store.getTranscript(created.id))!;
    expect(stored.status).toBe('finished');
    const choose = stored.events.find((e) => e.action.type === 'choose')!;
    expect(choose.seat).toBe('A');
    expect(choose.meta).toMatchObject({ agent: 'builtin:passage-debater' });
    const state = replay(stored.header, stored.events);
    expect(sidesOf(state)?.A).toBe(choose.action.type === 'choose' ? choose.action.answer : -1);
    expect(stored.events.filter((e) => e.action.type === 'speech').length).toBeGreaterThanOrEqual(2);
    await judge.leave();
  });
});
