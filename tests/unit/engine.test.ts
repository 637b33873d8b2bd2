import { describe, expect, it } from 'vitest';
import {
  apply,
  drawAssignment,
  findQuote,
  passageIndex,
  passageText,
  replay,
  rulesFor,
  spanText,
  viewFor,
  type Action,
} from '@arena/shared';
import { HIDDEN_SENTENCE, LIGHTHOUSE, newDebate } from '../helpers/fixtures.ts';
import { play } from '../helpers/fixtures.ts';


const judgeTurn = (p: number[], end = false): Action => ({ type: 'judge', probabilities: p, end });
const say = (text: string): Action => ({ type: 'speech', text });

describe('setup', () => {
  it('draws the same assignment from the same seed and records the correct answer position', () => {
    const a = drawAssignment(LIGHTHOUSE, rulesFor('debate'), 'x');
    expect(drawAssignment(LIGHTHOUSE, rulesFor('debate'), 'x')).toEqual(a);
    expect(a.answerOrder.map((i) => LIGHTHOUSE.answers[i])[a.correctIndex]).toBe(LIGHTHOUSE.answers[1]);
    expect(Object.values(a.debaters).sort()).toEqual([0, 1]);
  });

  it('assigns the consultant to the correct answer about half of the time', () => {
    let honest = 0;
    for (let i = 0; i < 400; i++) {
      const a = drawAssignment(LIGHTHOUSE, rulesFor('consultancy'), `s${i}`);
      if (a.debaters.A === a.correctIndex) honest++;
    }
    expect(honest).toBeGreaterThan(160);
    expect(honest).toBeLessThan(240);
  });
});

describe('a debate under the debate preset', () => {
  it('runs prior → simultaneous openings → judge → sequential → judge, and scores the verdict', () => {
    let s = newDebate('debate');
    const [first, second] = s.header.assignment.speakingOrder as ['A', 'B'];
    ({ state: s } = play(s, [['system', { type: 'start' }], ['judge', judgeTurn([0.5, 0.5])]]));
    expect(s.rounds.at(-1)?.kind).toBe('simultaneous');
    ({ state: s } = play(s, [[second, say('I go first in the opening.')]]));
    // An unreleased simultaneous speech is invisible to the judge and the other debater.
    expect(JSON.stringify(viewFor(s, 'judge'))).not.toContain('I go first');
    expect(JSON.stringify(viewFor(s, first))).not.toContain('I go first');
    ({ state: s } = play(s, [[first, say('Opening <quote>nothing to burn</quote>.')]]));
    expect(JSON.stringify(viewFor(s, 'judge'))).toContain('I go first');
    const refused = apply(s, say('again'), first, 5000);
    expect(refused.ok).toBe(false);
    ({ state: s } = play(s, [['judge', judgeTurn([0.3, 0.7])], [first, say('Rebuttal one.')]]));
    const outOfTurn = apply(s, say('me too'), first, 9000);
    expect(!outOfTurn.ok && outOfTurn.refusal.code).toBe('already-spoke');
    ({ state: s } = play(s, [[second, say('Rebuttal two.')], ['judge', judgeTurn([0.2, 0.8], true)]]));
    expect(s.status).toBe('finished');
    const c = s.header.assignment.correctIndex;
    const v = s.verdict!;
    expect(v.correct).toBe(v.probabilities[c]! > 0.5);
    expect(v.continues).toBe(2);
    expect(v.judgeScore).toBeCloseTo(Math.log2(v.probabilities[c]!) - 0.05 * 2, 10);
    for (const [seat, ans] of Object.entries(s.header.assignment.debaters)) {
      expect(v.debaterScores[seat as 'A']).toBeCloseTo(Math.log2(v.probabilities[ans]!), 10);
    }
  });

  it('refuses an early end, bad probabilities and over-limit speeches, and changes nothing', () => {
    let s = newDebate('debate', 'seed-2', { speechChars: 40, quoteChars: 10 });
    ({ state: s } = play(s, [['system', { type: 'start' }]]));
    const early = apply(s, judgeTurn([0.5, 0.5], true), 'judge', 2000);
    expect(!early.ok && early.refusal.code).toBe('cannot-end-yet');
    const bad = apply(s, judgeTurn([0.995, 0.005]), 'judge', 2000);
    expect(!bad.ok && bad.refusal.code).toBe('bad-probabilities');
    const sum = apply(s, judgeTurn([0.4, 0.4]), 'judge', 2000);
    expect(!sum.ok && sum.refusal.code).toBe('bad-probabilities');
    ({ state: s } = play(s, [['judge', judgeTurn([0.5, 0.5])]]));
    const long = apply(s, say('x'.repeat(41)), 'A', 3000);
    expect(!long.ok && long.refusal.code).toBe('over-char-limit');
    const quoted = apply(s, say('<quote>there was nothing to burn</quote>'), 'A', 3000);
    expect(!quoted.ok && quoted.refusal.code).toBe('over-quote-limit');
    const before = JSON.stringify(s);
    apply(s, say('x'.repeat(41)), 'A', 3000);
    expect(JSON.stringify(s)).toBe(before);
  });

  it('records empty speeches when time runs out and lets the judge keep their last belief', () => {
    let s = newDebate('debate', 'seed-3', { speechSeconds: 10, judgeSeconds: 10 });
    ({ state: s } = play(s, [['system', { type: 'start' }], ['judge', judgeTurn([0.6, 0.4])]]));
    const deadline = s.deadline!;
    const early = apply(s, { type: 'timeout' }, 'system', deadline - 1);
    expect(!early.ok && early.refusal.code).toBe('too-early');
    const r = apply(s, { type: 'timeout' }, 'system', deadline);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const opening = r.state.rounds[1]!;
    expect(opening.complete).toBe(true);
    expect(opening.speeches.every((x) => x.timedOut && x.chars === 0)).toBe(true);
    const j = apply(r.state, { type: 'timeout' }, 'system', r.state.deadline!);
    expect(j.ok && j.state.rounds[2]!.judge).toMatchObject({ probabilities: [0.6, 0.4], timedOut: true, end: false });
  });
});

describe('consultancy and blind', () => {
  it('consultancy has one debater and sequential speeches', () => {
    let s = newDebate('consultancy', 'c-1');
    expect(Object.keys(s.header.assignment.debaters)).toEqual(['A']);
    ({ state: s } = play(s, [['system', { type: 'start' }], ['judge', judgeTurn([0.5, 0.5])], ['A', say('Trust me.')], ['judge', judgeTurn([0.5, 0.5], true)]]));
    expect(s.status).toBe('finished');
  });

  it('blind: the judge decides at once and cannot continue', () => {
    let s = newDebate('blind');
    ({ state: s } = play(s, [['system', { type: 'start' }]]));
    const cont = apply(s, judgeTurn([0.5, 0.5]), 'judge', 2000);
    expect(!cont.ok && cont.refusal.code).toBe('cannot-continue');
    ({ state: s } = play(s, [['judge', judgeTurn([0.7, 0.3], true)]]));
    expect(s.verdict?.continues).toBe(0);
  });
});

describe('quotes', () => {
  const index = passageIndex(passageText(LIGHTHOUSE));

  it('matches a quote ignoring case, punctuation, curly quotes and spacing', () => {
    const span = findQuote(index, '  SOMEBODY had rolled   every barrel of oil down to the “jetty” ');
    expect(span).not.toBeNull();
    expect(spanText(index, ...span!)).toBe('somebody had rolled every barrel of oil down to the jetty');
  });

  it('does not match part of a word or a misquote', () => {
    expect(findQuote(index, 'omebody had')).toBeNull();
    expect(findQuote(index, 'somebody had stolen every barrel')).toBeNull();
  });

  it('marks an unverified quote and counts quoted characters against the limit', () => {
    let s = newDebate('debate', 'q-1');
    ({ state: s } = play(s, [['system', { type: 'start' }], ['judge', judgeTurn([0.5, 0.5])]]));
    const r = apply(s, say('See <quote>the keeper sold the oil himself</quote> and <quote>nothing to burn</quote>'), 'A', 3000);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const speech = r.state.rounds[1]!.speeches[0]!;
    expect(speech.segments.filter((x) => x.kind === 'quote').map((x) => x.kind === 'quote' && x.verified)).toEqual([false, true]);
    const verified = speech.segments.find((x) => x.kind === 'quote' && x.verified)!;
    // A verified quote carries the passage's own text, whole tokens: here with the comma that follows "burn".
    expect(verified.text).toBe('nothing to burn,');
    expect(speech.quoteChars).toBe('the keeper sold the oil himself'.length + verified.text.length);
  });
});

describe('views and replay', () => {
  it('the judge view holds no passage text beyond quotes and no correct answer before the verdict', () => {
    let s = newDebate('debate', 'secret-seed-7f3a');
    ({ state: s } = play(s, [['system', { type: 'start' }], ['judge', judgeTurn([0.5, 0.5])], ['A', say('x')], ['B', say('y')]]));
    const judge = JSON.stringify(viewFor(s, 'judge'));
    expect(judge).not.toContain(HIDDEN_SENTENCE);
    expect(judge).not.toContain('correctIndex');
    expect(judge).not.toContain(s.header.seed);
    expect(JSON.stringify(viewFor(s, 'A'))).toContain(HIDDEN_SENTENCE);
  });

  it('replaying the event log reproduces the final state exactly', () => {
    let s = newDebate('debate', 'r-1');
    const header = s.header;
    const out = play(s, [
      ['system', { type: 'start' }],
      ['judge', judgeTurn([0.5, 0.5])],
      ['A', say('a <quote>nothing to burn</quote>')],
      ['B', say('b')],
      ['judge', judgeTurn([0.4, 0.6], true)],
    ]);
    expect(replay(header, out.log)).toEqual(out.state);
  });
});

describe('more than two answers', () => {
  it('gives every answer a debater and waits for all of them in a simultaneous round', () => {
    const four = { ...LIGHTHOUSE, id: 'four', answers: [...LIGHTHOUSE.answers, 'A storm broke the lens.', 'The keeper fell asleep.'] };
    let s = newDebate('debate', 'four-1', {}, four);
    expect(Object.keys(s.header.assignment.debaters).sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(Object.values(s.header.assignment.debaters).sort()).toEqual([0, 1, 2, 3]);
    ({ state: s } = play(s, [['system', { type: 'start' }], ['judge', judgeTurn([0.25, 0.25, 0.25, 0.25])]]));
    ({ state: s } = play(s, [['A', say('a')], ['B', say('b')], ['C', say('c')]]));
    expect(s.rounds.at(-1)!.complete).toBe(false);
    ({ state: s } = play(s, [['D', say('d')]]));
    expect(s.rounds[1]!.complete).toBe(true);
    const bad = apply(s, judgeTurn([0.5, 0.5]), 'judge', 99);
    expect(!bad.ok && bad.refusal.code).toBe('bad-probabilities');
  });
});

describe('schedules that end on speeches', () => {
  it('close with a final judge round, so the debate can always end', () => {
    let s = newDebate('debate', 'tail-1', { opening: ['judge', 'simultaneous'], repeating: [] });
    ({ state: s } = play(s, [['system', { type: 'start' }], ['judge', judgeTurn([0.5, 0.5])], ['A', say('a')], ['B', say('b')]]));
    expect(s.rounds.at(-1)?.kind).toBe('judge');
    const cont = apply(s, judgeTurn([0.5, 0.5]), 'judge', 99);
    expect(!cont.ok && cont.refusal.code).toBe('cannot-continue');
    ({ state: s } = play(s, [['judge', judgeTurn([0.6, 0.4], true)]]));
    expect(s.status).toBe('finished');
  });
});
