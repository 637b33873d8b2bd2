/**
 * Cross-examination and ending by agreement in the engine: who asks whom, what each seat
 * sees of a cross round while it runs and once it is complete, the forked view an agent
 * answers from (its bytes hold nothing from after the chosen point but the question),
 * votes to end as events, and a fork's `resume`.
 */
import { describe, expect, it } from 'vitest';
import { agentViewFor, apply, legalActions, replay, viewFor, type Action, type Actor, type DebateEvent } from '@arena/shared';
import { newDebate, play } from '../helpers/fixtures.ts';

const OPENING_A = 'Opening of A: the harbour master ordered it, and the keeper obeyed.';
const OPENING_B = 'Opening of B: <quote>somebody had rolled every barrel of oil down to the jetty and away</quote>.';

function toCross(seed = 'seed-1') {
  const log: DebateEvent[] = [];
  const { state } = play(
    newDebate('debate-cross-exam', seed),
    [
      ['system', { type: 'start' }],
      ['judge', { type: 'judge', probabilities: [0.5, 0.5], end: false }],
      ['A', { type: 'speech', text: OPENING_A }],
      ['B', { type: 'speech', text: OPENING_B }],
    ],
    log,
  );
  return { state, log };
}

describe('a cross-examination round', () => {
  it('each debater asks the other once, all at once; then each answers; the judge sees it all once complete, quotes verified', () => {
    let { state, log } = toCross();
    expect(state.rounds.at(-1)?.kind).toBe('cross');
    expect(legalActions(state, 'A')).toEqual([{ type: 'question', to: 'B', maxChars: 300, latestRound: 2 }]);
    expect(apply(state, { type: 'speech', text: 'a speech' }, 'A', 9000)).toMatchObject({ ok: false, refusal: { code: 'not-your-turn' } });
    expect(apply(state, { type: 'question', text: 'x'.repeat(301) }, 'A', 9000)).toMatchObject({ ok: false, refusal: { code: 'over-char-limit' } });
    expect(apply(state, { type: 'question', text: 'later?', round: 3 }, 'A', 9000)).toMatchObject({ ok: false, refusal: { code: 'bad-question' } });
    expect(apply(state, { type: 'question', text: 'why?' }, 'judge', 9000)).toMatchObject({ ok: false, refusal: { code: 'not-your-role' } });
    // A asks B as B was when the openings opened (round 1): before either opening.
    ({ state, log } = play(state, [['A', { type: 'question', text: 'Where did the oil go?', round: 1 }]], log));
    expect(viewFor(state, 'judge').rounds.at(-1)?.questions).toEqual([]);
    expect(viewFor(state, 'B').rounds.at(-1)?.questions).toEqual([]);
    expect(viewFor(state, 'A').rounds.at(-1)?.questions?.map((q) => q.text)).toEqual(['Where did the oil go?']);
    expect(apply(state, { type: 'question', text: 'again?' }, 'A', 9000)).toMatchObject({ ok: false, refusal: { code: 'already-spoke' } });
    ({ state, log } = play(state, [['B', { type: 'question', text: 'Who ordered the dark?' }]], log));
    expect(viewFor(state, 'B').rounds.at(-1)?.questions?.map((q) => q.seat).sort()).toEqual(['A', 'B']);
    expect(legalActions(state, 'B')).toEqual([{ type: 'answer', question: { seat: 'A', text: 'Where did the oil go?' }, maxChars: 500, maxQuoteChars: 250 }]);
    expect(viewFor(state, 'judge').rounds.at(-1)?.questions).toEqual([]);

    // B (an agent) answers from its view when round 1 opened: no opening, A's or its own.
    const forked = JSON.stringify(agentViewFor(state, log, 'B'));
    expect(forked).not.toContain('Opening of A');
    expect(forked).not.toContain('Opening of B');
    expect(forked).not.toContain('Who ordered the dark?');
    expect(forked).toContain('Where did the oil go?');
    expect(JSON.stringify(agentViewFor(state, log, 'A'))).toContain('Opening of B');
    // A person answers from the live view.
    expect(JSON.stringify(viewFor(state, 'B'))).toContain('Opening of A');

    ({ state, log } = play(state, [['B', { type: 'answer', text: 'It was taken: <quote>the smugglers of Wrack Cove sold the oil in Dunmore</quote>.' }]], log));
    expect(viewFor(state, 'judge').rounds.at(-1)?.speeches).toEqual([]);
    expect(viewFor(state, 'A').rounds.at(-1)?.speeches).toEqual([]);
    ({ state, log } = play(state, [['A', { type: 'answer', text: 'The harbour master did.' }]], log));
    const judge = viewFor(state, 'judge');
    const cross = judge.rounds.find((r) => r.kind === 'cross');
    expect(cross?.complete).toBe(true);
    // In speaking order, whatever order they came in.
    expect(cross?.questions?.map((q) => q.seat)).toEqual(state.header.assignment.speakingOrder);
    expect(cross?.speeches.map((s) => s.seat)).toEqual(state.header.assignment.speakingOrder);
    expect(cross?.questions?.map((q) => [q.seat, q.to, q.text, q.round]).sort()).toEqual([
      ['A', 'B', 'Where did the oil go?', 1],
      ['B', 'A', 'Who ordered the dark?', 2],
    ]);
    expect(judge.quotes.map((q) => q.text)).toContain('the smugglers of Wrack Cove sold the oil in Dunmore');
    expect(judge.turn?.kind).toBe('judge');
    expect(judge.speechRounds).toBe(2);
    // The transcript replays to the same state.
    expect(replay(state.header, log)).toEqual(state);
  });

  it('a question not asked in time leaves nothing to answer; an answer not given in time is recorded empty', () => {
    let { state, log } = toCross();
    ({ state, log } = play(state, [['A', { type: 'question', text: 'Where did the oil go?' }]], log));
    const deadline = state.deadline as number;
    const timedOut = apply(state, { type: 'timeout' }, 'system', deadline);
    expect(timedOut.ok).toBe(true);
    if (!timedOut.ok) return;
    state = timedOut.state;
    // B's question timed out: only B answers (A's question), A has nothing to answer.
    expect(legalActions(state, 'A')).toEqual([]);
    expect(legalActions(state, 'B')[0]?.type).toBe('answer');
    const late = apply(state, { type: 'timeout' }, 'system', state.deadline as number);
    expect(late.ok && late.state.rounds.find((r) => r.kind === 'cross')?.speeches).toEqual([expect.objectContaining({ seat: 'B', timedOut: true, chars: 0 })]);
  });
});

describe('ending by agreement', () => {
  const vote = (end: boolean): Action => ({ type: 'vote', end });

  it('the debaters vote (events); once both vote to end, no speech round opens and the judge must end', () => {
    let { state, log } = toCross();
    ({ state, log } = play(state, [['A', vote(true)]], log));
    // A vote cast during a speech round reaches the judge with the round.
    expect(viewFor(state, 'judge').agreement).toEqual({ voters: state.header.assignment.speakingOrder, votes: [], reached: false, mayVote: false });
    expect(viewFor(state, 'B').agreement?.votes).toEqual([{ seat: 'A', end: true }]);
    expect(apply(state, vote(true), 'judge', 9000)).toMatchObject({ ok: false, refusal: { code: 'no-agreement' } });
    ({ state, log } = play(state, [['B', vote(true)], ['A', { type: 'question', text: 'q?' }], ['B', { type: 'question', text: 'q?' }], ['A', { type: 'answer', text: 'a.' }], ['B', { type: 'answer', text: 'b.' }]], log));
    const judge = viewFor(state, 'judge');
    expect(judge.agreement).toMatchObject({ reached: true });
    expect(judge.legal).toEqual([expect.objectContaining({ type: 'judge', canContinue: false, canEnd: true })]);
    expect(log.filter((e) => e.action.type === 'vote').map((e) => e.seat)).toEqual(['A', 'B']);
    ({ state } = play(state, [['judge', { type: 'judge', probabilities: [0.3, 0.7], end: true }]], log));
    expect(state.status).toBe('finished');
  });

  it('a vote can be taken back; under `all` the judge votes too; with the option off nobody votes', () => {
    let { state, log } = toCross();
    ({ state, log } = play(state, [['A', vote(true)], ['B', vote(true)], ['B', vote(false)]], log));
    expect(viewFor(state, 'A').agreement?.reached).toBe(false);
    const all = play(newDebate('debate-cross-exam', 's', { endByAgreement: 'all' }), [['system', { type: 'start' }], ['A', vote(true)], ['B', vote(true)]]);
    expect(viewFor(all.state, 'judge').agreement).toMatchObject({ voters: expect.arrayContaining(['A', 'B', 'judge']), reached: false, mayVote: true });
    const judged = play(all.state, [['judge', vote(true)]]);
    expect(viewFor(judged.state, 'judge').agreement?.reached).toBe(true);
    const off = play(newDebate('debate'), [['system', { type: 'start' }]]);
    expect(apply(off.state, vote(true), 'A', 5000)).toMatchObject({ ok: false, refusal: { code: 'no-agreement' } });
    expect(viewFor(off.state, 'A').agreement).toBeUndefined();
  });
});

describe('resume (a fork continues live)', () => {
  it('gives the current turn its whole time again from now, and only the room may resume', () => {
    const { state } = toCross();
    const steps: [Actor, Action][] = [['A', { type: 'resume' }]];
    expect(() => play(state, steps)).toThrow(/refused/);
    const r = apply(state, { type: 'resume' }, 'system', 10_000_000);
    expect(r.ok && r.state.deadline).toBe(10_000_000 + 300_000);
  });
});
