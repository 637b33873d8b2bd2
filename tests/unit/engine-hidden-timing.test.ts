import { describe, expect, it } from 'vitest';
import { apply, replay, viewFor, type Action, type DebateEvent, type DebateState, type DebaterSeat } from '@arena/shared';
import { HIDDEN_SENTENCE, newDebate } from '../helpers/fixtures.ts';

const judgeTurn = (p: number[], end = false): Action => ({ type: 'judge', probabilities: p, end });
const say = (text: string): Action => ({ type: 'speech', text });

/** Applies one action at time `at`, failing loudly on a refusal, and logs it. */
function step(state: DebateState, log: DebateEvent[], seat: DebateEvent['seat'], action: Action, at: number): DebateState {
  const r = apply(state, action, seat, at);
  if (!r.ok) throw new Error(`${seat} ${action.type} refused: ${r.refusal.message}`);
  log.push({ seq: log.length, at, seat, action });
  return r.state;
}

/** Everything the judge receives about a state, as bytes (but the debate's id, which differs between the runs compared). */
const judgeBytes = (s: DebateState) => JSON.stringify({ ...viewFor(s, 'judge'), debateId: null });

describe('a simultaneous round tells the judge nothing of arrival order', () => {
  it('lists the finished round in speaking order whichever debater spoke first', () => {
    const views: string[] = [];
    for (const late of [0, 1]) {
      const log: DebateEvent[] = [];
      let s = newDebate('debate', 'order-seed');
      const order = s.header.assignment.speakingOrder as DebaterSeat[];
      s = step(s, log, 'system', { type: 'start' }, 1000);
      s = step(s, log, 'judge', judgeTurn([0.5, 0.5]), 2000);
      // One run has the second speaker submit first, 300 ms ahead; the other the reverse.
      const arrival = late ? [...order].reverse() : order;
      s = step(s, log, arrival[0]!, say(`Opening of ${arrival[0]} <quote>nothing to burn</quote>.`), 3000);
      s = step(s, log, arrival[1]!, say(`Opening of ${arrival[1]} <quote>nothing to burn</quote>.`), 3300);
      const opening = viewFor(s, 'judge').rounds[1]!;
      expect(opening.complete).toBe(true);
      expect(opening.speeches.map((x) => x.seat)).toEqual(order);
      views.push(judgeBytes(s));
      // The replay's judge lens (the engine's replay of the events) agrees.
      expect(JSON.stringify(viewFor(replay(s.header, log), 'judge', { mode: 'replay' }).rounds)).toBe(JSON.stringify(viewFor(s, 'judge', { mode: 'replay' }).rounds));
    }
    expect(views[0]).toBe(views[1]);
  });

  it('lists a timed-out speaker in its place too', () => {
    const log: DebateEvent[] = [];
    let s = newDebate('debate', 'order-timeout', { speechSeconds: 10 });
    const order = s.header.assignment.speakingOrder as DebaterSeat[];
    s = step(s, log, 'system', { type: 'start' }, 1000);
    s = step(s, log, 'judge', judgeTurn([0.5, 0.5]), 2000);
    s = step(s, log, order[1]!, say('I alone spoke.'), 3000);
    s = step(s, log, 'system', { type: 'timeout' }, s.deadline!);
    expect(viewFor(s, 'judge').rounds[1]!.speeches.map((x) => [x.seat, x.timedOut])).toEqual([
      [order[0], true],
      [order[1], false],
    ]);
  });
});

describe('votes to end cast during a hidden round tell the judge nothing of their order or of votes taken back', () => {
  it('shows each debater\'s last vote of the finished round, in speaking order, however they arrived', () => {
    const views: string[] = [];
    for (const run of [0, 1, 2]) {
      const log: DebateEvent[] = [];
      let s = newDebate('debate', 'vote-order-seed', { endByAgreement: 'debaters' });
      const order = s.header.assignment.speakingOrder as DebaterSeat[];
      const [first, second] = order as [DebaterSeat, DebaterSeat];
      s = step(s, log, 'system', { type: 'start' }, 1000);
      s = step(s, log, 'judge', judgeTurn([0.5, 0.5]), 2000);
      // Run 0: first votes to end, then second not to; run 1: the reverse arrival; run 2: second
      // votes to end, takes it back, and first votes to end after changing its mind too.
      const votes: [DebaterSeat, boolean][] =
        run === 0 ? [[first, true], [second, false]] : run === 1 ? [[second, false], [first, true]] : [[second, true], [first, false], [second, false], [first, true]];
      votes.forEach(([seat, end], i) => (s = step(s, log, seat, { type: 'vote', end }, 2100 + i * 50)));
      s = step(s, log, first, say('The first speech.'), 3000);
      s = step(s, log, second, say('The second speech.'), 3300);
      const round = viewFor(s, 'judge').rounds[1]!;
      expect(round.complete).toBe(true);
      expect(round.votes).toEqual([
        { seat: first, end: true },
        { seat: second, end: false },
      ]);
      views.push(judgeBytes(s));
      // The replay of the events agrees with the live state.
      expect(JSON.stringify(viewFor(replay(s.header, log), 'judge').rounds)).toBe(JSON.stringify(viewFor(s, 'judge').rounds));
    }
    expect(views[1]).toBe(views[0]);
    expect(views[2]).toBe(views[0]);
  });
});

describe("a sequential round's deadlines are fixed when it opens", () => {
  /** A consultancy-like sequential round with two speakers: the debate preset's third round. */
  function inSequentialRound(seed: string): { s: DebateState; log: DebateEvent[]; opened: number; order: DebaterSeat[] } {
    const log: DebateEvent[] = [];
    let s = newDebate('debate', seed, { speechSeconds: 10, judgeSeconds: 10 });
    const order = s.header.assignment.speakingOrder as DebaterSeat[];
    s = step(s, log, 'system', { type: 'start' }, 1000);
    s = step(s, log, 'judge', judgeTurn([0.5, 0.5]), 2000);
    s = step(s, log, order[0]!, say('Opening one.'), 3000);
    s = step(s, log, order[1]!, say('Opening two.'), 4000);
    s = step(s, log, 'judge', judgeTurn([0.5, 0.5]), 5000);
    expect(s.rounds.at(-1)!.kind).toBe('sequential');
    return { s, log, opened: 5000, order };
  }

  it('ends a round whose second speaker times out at the same moment whenever the first spoke', () => {
    const ends: number[] = [];
    const judgeViews: string[] = [];
    for (const firstSpokeAt of [5001, 9000, 14_999]) {
      const { s: start, log, opened, order } = inSequentialRound('seq-timing');
      expect(start.deadline).toBe(opened + 10_000);
      let s = step(start, log, order[0]!, say('First speech.'), firstSpokeAt);
      // The second speaker's slot ends two speech times after the round opened.
      expect(s.deadline).toBe(opened + 20_000);
      const early = apply(s, { type: 'timeout' }, 'system', s.deadline! - 1);
      expect(!early.ok && early.refusal.code).toBe('too-early');
      s = step(s, log, 'system', { type: 'timeout' }, s.deadline!);
      expect(s.rounds.at(-1)!.kind).toBe('judge');
      ends.push(s.rounds.at(-1)!.startedAt);
      judgeViews.push(judgeBytes(s).replace(/First speech\./g, ''));
    }
    expect(ends).toEqual([25_000, 25_000, 25_000]);
    expect(new Set(judgeViews).size).toBe(1);
  });

  it('gives a second speaker whose predecessor timed out its own slot', () => {
    const { s: start, log, opened } = inSequentialRound('seq-both-late');
    let s = step(start, log, 'system', { type: 'timeout' }, opened + 10_000);
    expect(s.deadline).toBe(opened + 20_000);
    s = step(s, log, 'system', { type: 'timeout' }, opened + 20_000);
    expect(s.rounds.at(-2)!.speeches.every((x) => x.timedOut)).toBe(true);
  });

  it('replays a transcript recorded by engine 1.0 under its own deadlines', () => {
    const { s: start, log, opened, order } = inSequentialRound('seq-v1');
    const header = { ...start.header, engine: '1.0.0' };
    // Under 1.0 the second speaker had a full turn from the first speech.
    log.push({ seq: log.length, at: opened + 1000, seat: order[0]!, action: say('First speech.') });
    log.push({ seq: log.length, at: opened + 11_000, seat: 'system', action: { type: 'timeout' } });
    const s = replay(header, log);
    expect(s.lastSeq).toBe(log.at(-1)!.seq);
    expect(s.rounds.at(-1)!.kind).toBe('judge');
    expect(s.rounds.at(-1)!.startedAt).toBe(opened + 11_000);
  });
});

describe('an outcome the rules withhold', () => {
  it('never reaches the judge or an observer, in the live view or the replay; the debaters and the full view keep it', () => {
    const log: DebateEvent[] = [];
    let s = newDebate('debate', 'withheld', { revealOutcome: false });
    const order = s.header.assignment.speakingOrder as DebaterSeat[];
    s = step(s, log, 'system', { type: 'start' }, 1000);
    s = step(s, log, 'judge', judgeTurn([0.5, 0.5]), 2000);
    s = step(s, log, order[0]!, say('One.'), 3000);
    s = step(s, log, order[1]!, say('Two.'), 4000);
    s = step(s, log, 'judge', judgeTurn([0.3, 0.7], true), 5000);
    expect(s.status).toBe('finished');
    for (const seat of ['judge', 'observer'] as const) {
      for (const mode of ['live', 'replay'] as const) {
        const v = viewFor(s, seat, { mode });
        expect(v.correctIndex, `${seat} ${mode}`).toBeUndefined();
        expect(v.verdict, `${seat} ${mode}`).toBeUndefined();
        expect(JSON.stringify(v)).not.toContain(HIDDEN_SENTENCE);
      }
    }
    expect(viewFor(s, 'A').correctIndex).toBe(s.header.assignment.correctIndex);
    expect(viewFor(s, 'A').verdict).toEqual(s.verdict);
    expect(viewFor(s, 'judge', { mode: 'full' }).correctIndex).toBe(s.header.assignment.correctIndex);
    // By default the verdict shows them to everyone.
    const shown = replay({ ...s.header, rules: { ...s.header.rules, revealOutcome: true } }, log);
    expect(viewFor(shown, 'judge').correctIndex).toBe(s.header.assignment.correctIndex);
    expect(viewFor(shown, 'judge').verdict).toEqual(shown.verdict);
  });
});
