import { describe, expect, it } from 'vitest';
import { apply, encodePixels, replay, rulesFor, setup, viewFor, type Action, type Actor, type DebateEvent, type DebateState, type Scenario } from '@arena/shared';

/** An 8×8 "digit": a vertical bar of ink in column 3, fainter in column 4. */
const values = Array.from({ length: 64 }, (_, i) => (i % 8 === 3 ? 1 : i % 8 === 4 ? 0.5 : 0));
const IMAGE: Scenario = {
  id: 'bar',
  title: 'A bar',
  question: 'Which digit is this?',
  answers: ['1', '7'],
  correctIndex: 0,
  evidence: { kind: 'image', width: 8, height: 8, pixels: encodePixels(values) },
  source: 'test',
  licence: 'CC0',
};

function start(seed = 'img-1'): DebateState {
  const s = setup({ id: 'img', scenario: IMAGE, rules: rulesFor('pixels'), seed, createdAt: 0 });
  const r = apply(s, { type: 'start' }, 'system', 0);
  if (!r.ok) throw new Error(r.refusal.message);
  return r.state;
}

describe('image evidence', () => {
  it('a reveal carries the pixel’s true value; the judge sees only revealed pixels', () => {
    let s = start();
    const first = s.header.assignment.speakingOrder[0]!;
    const r = apply(s, { type: 'speech', segments: [{ reveal: 11 }, { text: 'ink here' }] }, first, 1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    s = r.state;
    const judge = viewFor(s, 'judge');
    expect(judge.image).toBeUndefined();
    expect(judge.passage).toBeUndefined();
    expect(judge.evidenceKind).toBe('image');
    // The round is not complete: the judge has seen nothing yet.
    expect(judge.reveals).toEqual([]);
    const debater = viewFor(s, first);
    expect(debater.image?.pixels).toBe(IMAGE.evidence.kind === 'image' && IMAGE.evidence.pixels);
    expect(debater.reveals).toEqual([{ index: 11, value: 1, seat: first }]);
  });

  it('refuses a blank pixel, a pixel revealed before, too many reveals, and quotes', () => {
    const s = start();
    const [first, second] = s.header.assignment.speakingOrder as ['A', 'B'];
    const blank = apply(s, { type: 'speech', segments: [{ reveal: 0 }] }, first, 1);
    expect(!blank.ok && blank.refusal.code).toBe('bad-reveal');
    const two = apply(s, { type: 'speech', segments: [{ reveal: 3 }, { reveal: 11 }] }, first, 1);
    expect(!two.ok && two.refusal.code).toBe('over-reveal-limit');
    const quote = apply(s, { type: 'speech', segments: [{ quote: [0, 1] }] }, first, 1);
    expect(!quote.ok && quote.refusal.code).toBe('bad-span');
    const outside = apply(s, { type: 'speech', segments: [{ reveal: 64 }] }, first, 1);
    expect(!outside.ok && outside.refusal.code).toBe('bad-reveal');
    const ok = apply(s, { type: 'speech', segments: [{ reveal: 3 }] }, first, 1);
    if (!ok.ok) throw new Error(ok.refusal.message);
    const again = apply(ok.state, { type: 'speech', segments: [{ reveal: 3 }] }, second, 2);
    expect(!again.ok && again.refusal.message).toMatch(/already been revealed/);
  });

  it('plays three reveals each, then the judge decides, and the image is shown after the verdict', () => {
    let s = start('img-2');
    const header = s.header;
    const log: DebateEvent[] = [{ seq: 0, at: 0, seat: 'system', action: { type: 'start' } }];
    const inked = values.flatMap((v, i) => (v > 0 ? [i] : []));
    let t = 1;
    const step = (seat: Actor, action: Action) => {
      const r = apply(s, action, seat, t);
      if (!r.ok) throw new Error(r.refusal.message);
      log.push({ seq: s.lastSeq + 1, at: t++, seat, action });
      s = r.state;
    };
    for (let round = 0; round < 3; round++) {
      for (const seat of header.assignment.speakingOrder) step(seat, { type: 'speech', segments: [{ reveal: inked.shift()! }] });
    }
    const judge = viewFor(s, 'judge');
    expect(judge.reveals).toHaveLength(6);
    expect(judge.legal[0]).toMatchObject({ type: 'judge', canEnd: true, canContinue: false });
    step('judge', { type: 'judge', probabilities: header.assignment.answerOrder.map((a) => (a === 0 ? 0.8 : 0.2)), end: true });
    expect(s.verdict?.correct).toBe(true);
    expect(viewFor(s, 'judge').image?.width).toBe(8);
    expect(replay(header, log)).toEqual(s);
  });
});
