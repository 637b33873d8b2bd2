import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply, applyViewChange, diffView, setup, rulesFor, viewFor, type Action, type Actor, type DebateState, type Seat } from '@arena/shared';
import { LIGHTHOUSE } from '../helpers/fixtures.ts';

/** A ten-round debate through the engine, with every seat's view after every event. */
function tenRounds(): Record<'A' | 'B' | 'judge' | 'observer', object[]> {
  let s: DebateState = setup({ id: 'vc', scenario: LIGHTHOUSE, rules: rulesFor('debate', { maxSpeechRounds: 10 }), seed: 'vc', createdAt: 0 });
  const seats = ['A', 'B', 'judge', 'observer'] as const;
  const views = Object.fromEntries(seats.map((seat) => [seat, [viewFor(s, seat)]])) as Record<(typeof seats)[number], object[]>;
  let t = 0;
  const step = (action: Action, actor: Actor) => {
    const r = apply(s, action, actor, ++t);
    if (!r.ok) throw new Error(r.refusal.message);
    s = r.state;
    for (const seat of seats) views[seat].push(viewFor(s, seat));
  };
  step({ type: 'start' }, 'system');
  for (let round = 0; round <= 10; round++) {
    step({ type: 'judge', probabilities: [0.4, 0.6], comment: `after round ${round}`, end: round === 10 }, 'judge');
    if (round === 10) break;
    for (const seat of s.header.assignment.speakingOrder) step({ type: 'speech', text: `Round ${round}, ${seat}: it says <quote>the tower stood dark over the water</quote>.` }, seat);
  }
  return views;
}

describe('views as changes', () => {
  const views = tenRounds();

  it('applying the change between two views gives the second, exactly, for every seat and step', () => {
    for (const [seat, list] of Object.entries(views)) {
      for (let i = 1; i < list.length; i++) {
        const change = diffView(list[i - 1]!, list[i]!);
        if (change === null) expect(list[i], `${seat} step ${i}`).toEqual(list[i - 1]);
        else expect(applyViewChange(list[i - 1]!, change), `${seat} step ${i}`).toEqual(list[i]);
      }
    }
  });

  it('bytes per change stay flat from round 1 to round 10, while the whole view grows', () => {
    for (const seat of ['A', 'judge'] as Seat[]) {
      const list = views[seat as 'A'];
      const sizes = list.slice(1).map((v, i) => JSON.stringify(diffView(list[i]!, v) ?? {}).length);
      const early = Math.max(...sizes.slice(2, 8));
      const late = Math.max(...sizes.slice(-8));
      expect(late, `${seat}: largest change late vs early`).toBeLessThan(early * 1.3);
      expect(JSON.stringify(list.at(-1)).length).toBeGreaterThan(3 * JSON.stringify(list[3]).length / 2);
      // A debater's passage travels once, never in a change.
      if (seat === 'A') for (let i = 2; i < list.length; i++) expect(JSON.stringify(diffView(list[i - 1]!, list[i]!))).not.toContain('Secret sentence');
    }
  });

  it('successive views share the rounds nothing changed, so building and comparing them does not grow with the debate', () => {
    const rounds = (v: object) => (v as { rounds: { complete: boolean }[] }).rounds;
    for (const seat of ['A', 'judge', 'observer'] as const) {
      const list = views[seat];
      for (let i = 1; i < list.length; i++) {
        const before = rounds(list[i - 1]!);
        const after = rounds(list[i]!);
        // Every complete round but the newest is the very same object in the next view.
        for (let k = 0; k < before.length - 1; k++) if (before[k]!.complete) expect(after[k], `${seat} step ${i} round ${k}`).toBe(before[k]);
      }
    }
    // A complete round looks the same to every seat, so it is one object for all of them.
    const last = { A: rounds(views.A.at(-1)!), judge: rounds(views.judge.at(-1)!) };
    expect(last.judge[1]).toBe(last.A[1]);
  });

  it('a round still open is never shared between seats that may see different parts of it', () => {
    let s: DebateState = setup({ id: 'vc-open', scenario: LIGHTHOUSE, rules: rulesFor('debate', {}), seed: 'vc-open', createdAt: 0 });
    let t = 0;
    const step = (action: Action, actor: Actor) => {
      const r = apply(s, action, actor, ++t);
      if (!r.ok) throw new Error(r.refusal.message);
      s = r.state;
    };
    step({ type: 'start' }, 'system');
    step({ type: 'judge', probabilities: [0.5, 0.5], comment: '', end: false }, 'judge');
    // The opening round is simultaneous: A's speech is A's alone until B has spoken too.
    step({ type: 'speech', text: 'An opening nobody else may read before the round is complete.' }, 'A');
    const open = (seat: Seat) => viewFor(s, seat).rounds[1]!;
    expect(open('A').speeches).toHaveLength(1);
    expect(open('B').speeches).toEqual([]);
    expect(open('judge').speeches).toEqual([]);
    expect(open('A')).not.toBe(open('B'));
    expect(open('A')).not.toBe(open('judge'));
    step({ type: 'speech', text: 'The other opening.' }, 'B');
    // Complete: one view of it for everyone.
    expect(open('judge').speeches).toHaveLength(2);
    expect(open('judge')).toBe(open('A'));
    expect(open('B')).toBe(open('A'));
  });

  it('round-trips arbitrary JSON objects', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), value), fc.dictionary(fc.string({ maxLength: 4 }), value), (a, b) => {
        const change = diffView(a, b);
        expect(change === null ? a : applyViewChange(a, change)).toEqual(b);
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});
