/**
 * The stage table of a participant's path (server/src/studies/stages.ts), against a fake
 * clock: every move at every stage, the stages each role skips, and every time-out.
 */
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { answerProblem, parseSpec, type StudySpec } from '../../server/src/studies/spec.ts';
import { firstStage, STAGES, stageAfter, timeoutOf, transition, type Move, type PathState } from '../../server/src/studies/stages.ts';
import type { ItemRow, ParticipantRow, Stage } from '../../server/src/studies/study-store.ts';

const T0 = 1_000_000_000_000;
const base = parseSpec(EXAMPLE_SPEC);
const spec: StudySpec = {
  ...base,
  timeLimits: { participantMinutes: 90, itemMinutes: 20, idleSeconds: 300 },
  humanDebaters: { lobbySeconds: 60, debaterWaitSeconds: 600, debatesPerDebater: 1, instructions: '## Debaters' },
};

function participant(over: Partial<ParticipantRow> = {}): ParticipantRow {
  return {
    studyId: 's',
    participant: 'p-1',
    token: 't',
    role: 'judge',
    stage: 'consent',
    outcome: null,
    position: 0,
    failedChecks: 0,
    flags: [],
    enteredAt: T0,
    consentedAt: null,
    finishedAt: null,
    lastSeen: T0,
    waitingSince: null,
    ...over,
  };
}

function item(position: number, over: Partial<ItemRow> = {}): ItemRow {
  return { participant: 'p-1', position, kind: 'item', slot: null, scenarioId: 'x', condition: 'debate', debateId: null, status: 'pending', startedAt: null, finishedAt: null, ...over };
}

const at = (p: Partial<ParticipantRow>, items: ItemRow[] = [], now = T0): PathState => ({ spec, p: participant(p), items, now });

const MOVES: Move[] = [{ type: 'consent', agree: true }, { type: 'consent', agree: false }, { type: 'start' }, { type: 'next' }, { type: 'leave' }];

describe('the stage table', () => {
  it('starts at consent, and each role skips the other role\'s waiting place', () => {
    expect(firstStage(at({}))).toBe('consent');
    expect(firstStage(at({ role: 'debater' }))).toBe('consent');
    expect(stageAfter('consent', at({}))).toBe('instructions');
    expect(stageAfter('instructions', at({ role: 'judge' }))).toBe('items');
    expect(stageAfter('instructions', at({ role: 'debater' }))).toBe('lobby');
    expect(stageAfter('items', at({ role: 'judge' }))).toBe('done');
    expect(stageAfter('lobby', at({ role: 'debater' }))).toBe('done');
  });

  it('consent: agreeing leads to the instructions, declining ends with the declined code', () => {
    expect(transition(at({ stage: 'consent' }), { type: 'consent', agree: true })).toEqual({ ok: true, to: 'instructions', effect: { type: 'consented' } });
    expect(transition(at({ stage: 'consent' }), { type: 'consent', agree: false })).toEqual({ ok: true, to: 'done', effect: { type: 'finish', outcome: 'declined' } });
  });

  it('instructions: a judge gets their items set out, a debater goes to the lobby', () => {
    expect(transition(at({ stage: 'instructions' }), { type: 'start' })).toEqual({ ok: true, to: 'items', effect: { type: 'setOutItems' } });
    expect(transition(at({ stage: 'instructions', role: 'debater' }), { type: 'start' })).toEqual({ ok: true, to: 'lobby', effect: { type: 'joinLobby' } });
  });

  it('items: on after a verdict, completed after the last, refused before the verdict', () => {
    const two = [item(0, { status: 'done' }), item(1)];
    expect(transition(at({ stage: 'items', position: 0 }, two), { type: 'next' })).toEqual({ ok: true, to: 'items', effect: { type: 'advance' } });
    expect(transition(at({ stage: 'items', position: 1 }, [two[0]!, item(1, { status: 'abandoned' })]), { type: 'next' })).toEqual({ ok: true, to: 'done', effect: { type: 'finish', outcome: 'completed' } });
    for (const status of ['pending', 'open'] as const) {
      expect(transition(at({ stage: 'items', position: 1 }, [two[0]!, item(1, { status })]), { type: 'next' })).toMatchObject({ ok: false, code: 'conflict', reason: 'give your verdict on this item first' });
    }
    // A recruited debater moves on when their debate ends, not by asking.
    expect(transition(at({ stage: 'items', role: 'debater' }, [item(0, { kind: 'debate', status: 'done' })]), { type: 'next' })).toMatchObject({ ok: false, code: 'stale' });
  });

  it('lobby: a debater leaves completed after a debate, else with the no-capacity code', () => {
    expect(transition(at({ stage: 'lobby', role: 'debater' }), { type: 'leave' })).toEqual({ ok: true, to: 'done', effect: { type: 'finish', outcome: 'noCapacity', flag: 'left-lobby' } });
    expect(transition(at({ stage: 'lobby', role: 'debater' }, [item(0, { kind: 'debate', status: 'done' })]), { type: 'leave' })).toEqual({ ok: true, to: 'done', effect: { type: 'finish', outcome: 'completed' } });
  });

  it('a move a stage does not take is ignored (a page sent twice), except leaving, which is refused', () => {
    const taken: Record<Stage, string[]> = { consent: ['consent'], instructions: ['start'], lobby: ['leave'], items: ['next'], done: [] };
    for (const stage of STAGES) {
      for (const move of MOVES) {
        if (taken[stage].includes(move.type)) continue;
        const step = transition(at({ stage, role: stage === 'lobby' ? 'debater' : 'judge' }), move);
        expect(step, `${move.type} at ${stage}`).toMatchObject({ ok: false, code: move.type === 'leave' ? 'conflict' : 'stale' });
      }
    }
  });

  it('time-outs: idle at any stage, over time since consent, an item open too long, a debater waiting too long', () => {
    const minutes = (m: number) => T0 + m * 60_000;
    // Idle: no page for idleSeconds.
    for (const stage of ['consent', 'instructions', 'lobby', 'items'] as const) {
      expect(timeoutOf(at({ stage }, [], T0 + 300_000))).toBeNull();
      expect(timeoutOf(at({ stage }, [], T0 + 300_001))).toEqual({ outcome: 'timedOut', flag: 'idle' });
    }
    // The end page has no time-out.
    expect(timeoutOf(at({ stage: 'done' }, [], minutes(10_000)))).toBeNull();
    // Over time: participantMinutes since consent, however recently the page was seen.
    const seen = (m: number) => ({ lastSeen: minutes(m) });
    expect(timeoutOf(at({ stage: 'items', consentedAt: T0, ...seen(90) }, [], minutes(90)))).toBeNull();
    expect(timeoutOf(at({ stage: 'items', consentedAt: T0, ...seen(90) }, [], minutes(90) + 1))).toEqual({ outcome: 'timedOut', flag: 'over-time' });
    // An item open past itemMinutes; a pending one has no clock.
    const open = [item(0, { status: 'open', startedAt: T0 })];
    expect(timeoutOf(at({ stage: 'items', consentedAt: T0, ...seen(20) }, open, minutes(20)))).toBeNull();
    expect(timeoutOf(at({ stage: 'items', consentedAt: T0, ...seen(20) }, open, minutes(20) + 1))).toEqual({ outcome: 'timedOut', flag: 'item-over-time' });
    expect(timeoutOf(at({ stage: 'items', consentedAt: T0, ...seen(30) }, [item(0)], minutes(30)))).toBeNull();
    // A debater in the lobby past debaterWaitSeconds: completed after a debate, else no capacity.
    const waiting = { stage: 'lobby' as const, role: 'debater' as const, waitingSince: T0, consentedAt: T0, ...seen(10) };
    expect(timeoutOf(at(waiting, [], minutes(10)))).toBeNull();
    expect(timeoutOf(at(waiting, [], minutes(10) + 1))).toEqual({ outcome: 'noCapacity', flag: 'lobby-timeout' });
    expect(timeoutOf(at(waiting, [item(0, { kind: 'debate', status: 'done' })], minutes(10) + 1))).toEqual({ outcome: 'completed', flag: 'lobby-timeout' });
    // Without recruited debaters in the spec, the lobby has no wait limit.
    expect(timeoutOf({ ...at(waiting, [], minutes(11)), spec: { ...spec, humanDebaters: undefined } })).toBeNull();
    // A judge on the waitlist (every place held by judges at work) past its seconds (120 by default): no capacity.
    const onWaitlist = { stage: 'instructions' as const, waitingSince: T0, consentedAt: T0, ...seen(2) };
    expect(timeoutOf(at(onWaitlist, [], minutes(2)))).toBeNull();
    expect(timeoutOf(at(onWaitlist, [], minutes(2) + 1))).toEqual({ outcome: 'noCapacity', flag: 'waitlist-timeout' });
    expect(timeoutOf({ ...at(onWaitlist, [], T0 + 30_001), spec: { ...spec, waitlist: { seconds: 30 } } })).toEqual({ outcome: 'noCapacity', flag: 'waitlist-timeout' });
    expect(timeoutOf(at({ stage: 'instructions', consentedAt: T0, ...seen(60) }, [], minutes(60)))).toBeNull();
  });

  it('the comprehension quiz: all answers right to start, a wrong try shows the instructions again, two wrong tries end with the return (declined) code', () => {
    const quizSpec: StudySpec = { ...spec, comprehension: [{ question: 'Who sees the passage?', answers: ['judge', 'debaters'], correct: 1 }] };
    const atQuiz = (flags: string[] = []): PathState => ({ spec: quizSpec, p: participant({ stage: 'instructions', flags }), items: [], now: T0 });
    expect(transition(atQuiz(), { type: 'start', answers: [1] })).toEqual({ ok: true, to: 'items', effect: { type: 'setOutItems' } });
    expect(transition(atQuiz(), { type: 'start', answers: [0] })).toEqual({ ok: true, to: 'instructions', effect: { type: 'quizMissed' } });
    expect(transition(atQuiz(), { type: 'start' })).toEqual({ ok: true, to: 'instructions', effect: { type: 'quizMissed' } });
    expect(transition(atQuiz(['missed-comprehension']), { type: 'start', answers: [0] })).toEqual({ ok: true, to: 'done', effect: { type: 'finish', outcome: 'declined', flag: 'failed-comprehension' } });
    // Without a quiz, starting needs no answers; the default lets one failed attention check pass.
    expect(transition(at({ stage: 'instructions' }), { type: 'start' })).toMatchObject({ ok: true, effect: { type: 'setOutItems' } });
    expect(parseSpec(EXAMPLE_SPEC.replace(/exclusion:\n.*\n.*\n/, '')).exclusion.maxFailedChecks).toBe(1);
  });

  it('post-item questions: a judged counted item is left only once its questions are answered', () => {
    const qSpec: StudySpec = { ...spec, postItemQuestions: [{ id: 'confidence', prompt: 'How sure are you?', kind: 'scale', min: 1, max: 7, optional: false }] };
    const atItem = (answers: ItemRow['answers']): PathState => ({ spec: qSpec, p: participant({ stage: 'items', position: 0 }), items: [item(0, { status: 'done', answers }), item(1)], now: T0 });
    expect(transition(atItem(null), { type: 'next' })).toEqual({ ok: false, code: 'conflict', reason: 'answer the questions about this item first' });
    expect(transition(atItem({ confidence: 5 }), { type: 'next' })).toEqual({ ok: true, to: 'items', effect: { type: 'advance' } });
    // Practice items and checks have no questions.
    const practice: PathState = { spec: qSpec, p: participant({ stage: 'items', position: 0 }), items: [item(0, { kind: 'practice', status: 'done' }), item(1)], now: T0 };
    expect(transition(practice, { type: 'next' })).toMatchObject({ ok: true });
    expect(answerProblem(qSpec.postItemQuestions![0]!, 5)).toBeNull();
    expect(answerProblem(qSpec.postItemQuestions![0]!, 9)).toMatch(/from 1 to 7/);
    expect(answerProblem(qSpec.postItemQuestions![0]!, undefined)).toMatch(/needs an answer/);
    expect(answerProblem({ id: 'wrong', prompt: 'Is the marked answer wrong?', kind: 'choice', options: ['yes', 'no'], min: 1, max: 7, optional: true }, undefined)).toBeNull();
  });
});
